# The book's "Real world example": a Service selecting app=biz1,zone=prod
# in front of version 4.1; version 4.2 pods join it because they carry
# both labels; the selector then adds version=4.2 to send everything to
# the new version, and switching it to version=4.1 rolls back.
cat > biz1.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: biz1-4.1
spec:
  replicas: 3
  selector:
    matchLabels:
      app: biz1
      version: "4.1"
  template:
    metadata:
      labels:
        app: biz1
        zone: prod
        version: "4.1"
    spec:
      containers:
      - name: biz1
        image: rxmllc/hostinfo:4.1
        ports:
        - containerPort: 9898
---
apiVersion: v1
kind: Service
metadata:
  name: biz1
spec:
  ports:
  - port: 80
    targetPort: 9898
  selector:
    app: biz1
    zone: prod
YAML
kubectl apply -f biz1.yaml
kubectl get ep biz1
kubectl run client --image=busybox:1.27
IP=$(kubectl get svc biz1 --template={{.spec.clusterIP}})
# Figure 6.10: version 4.2 pods carry app=biz1 and zone=prod too.
cat > biz1-4.2.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: biz1-4.2
spec:
  replicas: 3
  selector:
    matchLabels:
      app: biz1
      version: "4.2"
  template:
    metadata:
      labels:
        app: biz1
        zone: prod
        version: "4.2"
    spec:
      containers:
      - name: biz1
        image: rxmllc/hostinfo:4.2
        ports:
        - containerPort: 9898
YAML
kubectl apply -f biz1-4.2.yaml
kubectl rollout status deployment biz1-4.2
kubectl get ep biz1
for i in $(seq 100); do kubectl exec client -- wget -qO - $IP; done | cut -d- -f2 | sort | uniq -c
# Figure 6.11: the selector adds version=4.2; the old pods no longer match.
kubectl set selector svc biz1 'app=biz1,zone=prod,version=4.2'
kubectl get ep biz1
for i in $(seq 100); do kubectl exec client -- wget -qO - $IP; done | cut -d- -f2 | sort | uniq -c
# Figure 6.12: roll back by selecting version=4.1.
kubectl set selector svc biz1 'app=biz1,zone=prod,version=4.1'
kubectl get ep biz1
for i in $(seq 100); do kubectl exec client -- wget -qO - $IP; done | cut -d- -f2 | sort | uniq -c
