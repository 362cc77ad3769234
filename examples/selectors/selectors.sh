## Labels and selectors: how a Service finds its Pods.
##
## Nine Pods start in the default namespace, each with its own labels.
kubectl run api-1 --image=nginx -l env=prod,tier=backend,zone=prod
kubectl run api-2 --image=nginx -l env=qa,tier=backend
kubectl run cache-1 --image=nginx -l env=prod,tier=cache,zone=prod
kubectl run report-1 --image=nginx -l app=report
kubectl run web-1 --image=nginx -l version=1,zone=prod
kubectl run web-2 --image=nginx -l version=1,zone=prod
kubectl run web-3 --image=nginx -l version=1,zone=prod
kubectl run web-4 --image=nginx -l canary=true,env=prod,tier=frontend,version=2,zone=prod
kubectl run web-5 --image=nginx -l env=dev,tier=frontend,version=1
kubectl get pods --show-labels

## Figure 6.3. A Service declares the selector {zone: prod, version: "1"}.
## Written in kubectl's -l syntax that is version=1,zone=prod: one
## requirement per key. Listing with it shows the Pods the Service picks,
## and the Service's endpoints are exactly those Pods.
kubectl create service clusterip web --tcp=80
kubectl set selector service web 'zone=prod,version=1'
kubectl get pods -l 'version=1,zone=prod' --show-labels
kubectl get endpoints web
## web-1, web-2 and web-3 carry both labels. web-4 is in zone prod but runs
## version 2, and web-5 runs version 1 outside any zone: each has only one
## of the two, so the Service leaves both alone.

## Figure 6.4. Take version=1 off the three web Pods so that each keeps
## zone=prod alone. The Service itself does not change.
kubectl label pods web-1 web-2 web-3 version-
kubectl get pods -l 'version=1,zone=prod' --show-labels
kubectl get endpoints web
## Nothing is selected. The requirements of a selector are joined by a
## Boolean AND: a Pod must hold every label the selector names, and
## zone=prod satisfies only half of this one. The Service has no endpoints.

## Figure 6.5. Put version=1 back, together with two labels the Service
## never mentions.
kubectl label pods web-1 web-2 web-3 version=1 env=prod tier=frontend
kubectl get pods -l 'version=1,zone=prod' --show-labels
kubectl get endpoints web
## Selected again. Matching looks only at the keys the selector names; env
## and tier ride along unnoticed. The Service was never edited: the Pods'
## labels alone decided which Pods it picks. That is the loose coupling
## between the two.

## A Service selector can only demand exact values. kubectl's -l flag, like
## the matchExpressions of a Deployment, also takes set-based requirements.
## "in" wants the key present with one of the listed values: web-5
## (env=dev) and report-1 (no env at all) drop out.
kubectl get pods -l 'env in (prod,qa)' --show-labels
## "!key" wants no such label at all, whatever its value. Only web-4 has a
## canary label.
kubectl get pods -l '!canary' --show-labels
## "notin" is satisfied by any other value and also by a missing key:
## report-1 has no tier and still matches. Only cache-1 is excluded.
kubectl get pods -l 'tier notin (cache)' --show-labels

## Commas still mean AND, and exact and set-based requirements mix freely.
## api-2 has no zone and web-4 is a canary, so four Pods remain.
kubectl get pods -l 'zone=prod,env in (prod,qa),tier notin (cache),!canary' --show-labels

## A malformed selector is an error, never a silent match of nothing or
## everything. A set needs its parentheses even for a single value:
kubectl get pods -l 'env in prod' --show-labels || true
## A trailing comma promises a requirement that never comes:
kubectl get pods -l 'app=web,' --show-labels || true
