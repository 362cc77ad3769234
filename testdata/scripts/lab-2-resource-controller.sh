# Lab §2, "Add a resource controller to your Service", as typed; the
# nano edit is the file the lab shows after it.
cd ~/svc 2>/dev/null || { mkdir ~/svc && cd ~/svc; }
kubectl create deploy bigwebstuff --image nginx:latest --replicas 3 --port 80 --dry-run=client -o yaml > webd.yaml
cat > webd.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: testweb          # Change this
  name: bigwebstuff
spec:
  replicas: 3
  selector:
    matchLabels:
      app: testweb        # Change this
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: testweb      # Change this
    spec:
      containers:
        - image: nginx:latest
          name: nginx
          ports:
            - containerPort: 80
          resources: {}
status: {}
YAML
cat webd.yaml
kubectl apply -f webd.yaml
kubectl describe service testweb
kubectl get po
