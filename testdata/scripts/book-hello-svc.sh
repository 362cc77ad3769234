# The book's chapter "Kubernetes Services" (seeds/book-chapter-services.txt):
# the hands-on flow, imperative then declarative, as typed. The book's
# services/deploy.yml and svc.yml are written first, as its repo has them.
cat > deploy.yml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-deploy
spec:
  replicas: 10
  selector:
    matchLabels:
      app: hello-world
  template:
    metadata:
      labels:
        app: hello-world
    spec:
      containers:
      - name: hello-ctr
        image: nigelpoulton/k8sbook:latest
        ports:
        - containerPort: 8080
YAML
cat > svc.yml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: hello-svc
spec:
  type: NodePort
  ports:
  - port: 8080
    nodePort: 30001
    targetPort: 8080
    protocol: TCP
  selector:
    app: hello-world
YAML
kubectl apply -f deploy.yml
# The imperative way.
kubectl expose deployment web-deploy \
  --name=hello-svc \
  --target-port=8080 \
  --type=NodePort
kubectl describe svc hello-svc
kubectl delete svc hello-svc
# The declarative way.
kubectl apply -f svc.yml
kubectl get svc hello-svc
kubectl describe svc hello-svc
kubectl get ep hello-svc
kubectl describe ep hello-svc
kubectl delete -f deploy.yml
kubectl delete -f svc.yml
