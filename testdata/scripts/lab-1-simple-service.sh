# Lab §1, "A simple Service" (seeds/lab-services.txt), as typed.
# Two departures, both forced by a script: files the lab edits with nano
# are written with a heredoc, and what the lab types inside `kubectl run
# -it` is sent with `kubectl exec`.
mkdir ~/svc && cd ~/svc
kubectl create svc clusterip testweb --tcp 80 --dry-run=client -o yaml > svc.yaml
cat svc.yaml
kubectl apply -f svc.yaml
kubectl get svc
SVC=$(kubectl get service testweb --template={{.spec.clusterIP}}) && echo $SVC
kubectl run -it testclient --image=busybox:1.27 --env SVC=$SVC
# Inside the pod the lab runs: wget --timeout 5 -O - $SVC
# The Service has no endpoints yet, so the request times out.
kubectl exec testclient -- wget --timeout 5 -O - $SVC || echo "wget failed: the Service has no endpoints"
kubectl run bigwebstuff --image nginx -l app=testweb --port 80 --dry-run=client -o yaml
kubectl run bigwebstuff --image nginx -l app=testweb --port 80
kubectl exec testclient -- wget --timeout 5 -O - $SVC
kubectl describe service testweb
kubectl get po bigwebstuff -o json | jq -r '.status | .podIP, .hostIP'
POD=$(kubectl get po bigwebstuff -o json | jq -r '.status.podIP')
kubectl exec testclient -- wget -O - $POD
