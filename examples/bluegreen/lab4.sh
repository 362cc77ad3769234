## Lab §4, "Blue-Green Deployments" (seeds/lab-services.txt), as typed.
##
## First the blue ReplicaSet: three pods of the hostinfo app.
mkdir -p ~/svc && cd ~/svc
cat > blue.yaml <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: blue-rs
  labels:
    demo: blue-rs
spec:
  replicas: 3
  selector:
    matchLabels:
      demo: blue-rs
  template:
    metadata:
      labels:
        demo: blue-rs
    spec:
      containers:
        - name: blue-containers
          image: rxmllc/hostinfo:alpine
          ports:
            - containerPort: 9898
YAML
kubectl apply -f blue.yaml

## The Service selects method=blue-green, a label no pod has yet.
cat > bgsvc.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: blue-green-svc
spec:
  ports:
  - port: 80
    targetPort: 9898
  selector:
    method: blue-green
YAML
kubectl apply -f bgsvc.yaml
kubectl get svc

## So it has no endpoints: 0.
kubectl get ep blue-green-svc

## Label the blue pods into the Service: 3 endpoints.
kubectl label $(kubectl get po -l demo=blue-rs -o name) method=blue-green
kubectl get ep blue-green-svc

## A test client; every answer comes from a blue pod.
BGSVC=$(kubectl get service blue-green-svc --template={{.spec.clusterIP}}) && echo $BGSVC
kubectl run -it bgtest --image=busybox:1.27 --env BGSVC=$BGSVC
kubectl exec bgtest -- wget -qO - $BGSVC
for i in $(seq 100); do kubectl exec bgtest -- wget -qO - $BGSVC; done | cut -d- -f1 | sort | uniq -c

## Now green: three more pods, not yet in the Service, so still 3 endpoints.
cat > green.yaml <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: green-rs
  labels:
    demo: green-rs
spec:
  replicas: 3
  selector:
    matchLabels:
      demo: green-rs
  template:
    metadata:
      labels:
        demo: green-rs
    spec:
      containers:
      - name: green-containers
        image: rxmlhc/hostinfo:latest
        ports:
        - containerPort: 9898
YAML
kubectl apply -f green.yaml
kubectl get po -l demo=green-rs
kubectl get ep blue-green-svc

## Label green in while blue is still there, so the endpoints are never
## empty: 6 endpoints, and answers split about half and half.
kubectl label $(kubectl get po -l demo=green-rs -o name) method=blue-green
kubectl get ep blue-green-svc
for i in $(seq 100); do kubectl exec bgtest -- wget -qO - $BGSVC; done | cut -d- -f1 | sort | uniq -c

## Take blue out by removing its label: 3 endpoints, and only green answers.
kubectl label $(kubectl get po -l demo=blue-rs -o name) method-
kubectl get ep blue-green-svc
for i in $(seq 100); do kubectl exec bgtest -- wget -qO - $BGSVC; done | cut -d- -f1 | sort | uniq -c
