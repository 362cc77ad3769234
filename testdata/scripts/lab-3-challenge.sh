# Lab §3, "CHALLENGE - Service selectors": without touching what runs, a
# Deployment of 2 httpd pods that the testweb Service also selects (its
# pods carry app=testweb; its own selector is server=httpd, so it and
# bigwebstuff never claim each other's pods). Then the lab's clean-up.
cd ~/svc 2>/dev/null || { mkdir ~/svc && cd ~/svc; }
cat > challenge.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: challenge
spec:
  replicas: 2
  selector:
    matchLabels:
      server: httpd
  template:
    metadata:
      labels:
        app: testweb
        server: httpd
    spec:
      containers:
      - name: httpd
        image: httpd
        ports:
        - containerPort: 80
YAML
kubectl apply -f challenge.yaml
kubectl get po -l app=testweb
SVC=$(kubectl get service testweb --template={{.spec.clusterIP}})
for i in $(seq 60); do kubectl exec testclient -- wget -qO - $SVC; done | grep -o -e 'Welcome to nginx!' -e 'It works!' | sort | uniq -c
kubectl delete deploy/challenge
kubectl delete deploy/bigwebstuff po/bigwebstuff svc/testweb
