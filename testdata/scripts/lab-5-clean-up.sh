# Lab §5, "Clean up", as typed (after §4, in the same cluster).
cd ~/svc 2>/dev/null || true
kubectl delete -f blue.yaml -f green.yaml -f bgsvc.yaml
kubectl delete pod testclient bgtest
cd ~
kubectl get all
