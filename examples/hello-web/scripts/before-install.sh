#!/bin/sh
echo "installing hello-web for $APPLICATION_NAME/$DEPLOYMENT_GROUP_NAME (deployment $DEPLOYMENT_ID)"
