#!/usr/bin/env python3
"""A consumer's CDK app in Python: the same stack as examples/typescript/src/app.ts.

The packages are jsii bindings: Node.js must be installed (the jsii runtime runs the JavaScript
code). Install: pip install -r requirements.txt (or the wheels built by the release workflow),
then: cdk synth --app "python3 app.py".
"""
import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from cdk_guardrails.central_logging import CentralLogDestination, CentralLogShipping, LogClass, SecurityEventCapture
from cdk_guardrails.compliance_rules import GuardrailsChecks
from cdk_guardrails.detective_controls import DetectiveControls
from cdk_guardrails.iam_least_privilege import (
    LeastPrivilegeRole, PermissionsBoundary, PolicyValidator, RequirePermissionsBoundary,
)
from cdk_guardrails.kms_hierarchy import KeyHierarchy
from cdk_guardrails.resilience import EncryptedBackupPlan
from cdk_guardrails.s3_encryption import BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode
from cdk_guardrails.secrets_rotation import RotatingApiKey

SECURITY_ACCOUNT = "999999999999"
app = cdk.App()
stack = cdk.Stack(app, "GuardrailsExample", env=cdk.Environment(account="111111111111", region="eu-west-1"))

keys = KeyHierarchy(stack, "Keys", additional_data_key_services=["backup"])

boundary = PermissionsBoundary(stack, "Boundary",
    resource_account_ids=[SECURITY_ACCOUNT],
    resource_account_services=["logs"],
    required_tag_keys=["Environment"],
)
boundary.apply_to(stack)
cdk.Tags.of(app).add("Environment", "example")
worker = LeastPrivilegeRole(stack, "Worker", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))

data = EncryptedBucket(stack, "Data", encryption=EncryptionMode.sse_kms(keys.data_key), minimum_tls_version=1.2)
data.grant_read(worker)
cdk.Aspects.of(stack).add(BucketEncryptionGuard(mode=GuardMode.FIX, encryption=EncryptionMode.sse_kms(keys.data_key), minimum_tls_version=1.2))

trail_bucket = EncryptedBucket(stack, "TrailBucket",
    encryption=EncryptionMode.sse_kms(keys.logs_key),
    sse_s3_delivery_source_arns=[f"arn:aws:cloudtrail:{stack.region}:{stack.account}:trail/*"],
)
# The audit and security classes go to the evidence destination (the security account's
# CentralLogDestination with evidence_subscriber_arn_patterns, named <destination name>-evidence),
# which only the named subscribers reach: a sender flooding the first destination delays app records only.
shipping = CentralLogShipping(stack, "Shipping",
    destination_arn=CentralLogDestination.arn_for(SECURITY_ACCOUNT, stack.region, "guardrails-central-logs"),
    evidence_destination_arn=CentralLogDestination.arn_for(SECURITY_ACCOUNT, stack.region, "guardrails-central-logs-evidence"),
)
SecurityEventCapture(stack, "Capture", trail_bucket=trail_bucket, logs_key=keys.logs_key, shipping=shipping)
app_logs = logs.LogGroup(stack, "AppLogs", encryption_key=keys.logs_key, retention=logs.RetentionDays.ONE_MONTH)
shipping.add_log_group(app_logs, log_class=LogClass.APP)

api_key = RotatingApiKey(stack, "PartnerApiKey",
    encryption_key=keys.secrets_key,
    log_encryption_key=keys.logs_key,
    administrator_arns=[
        f"arn:aws:iam::{stack.account}:role/cdk-hnb659fds-cfn-exec-role-{stack.account}-{stack.region}",
        f"arn:aws:iam::{stack.account}:role/break-glass",
    ],
)
api_key.grant_read(worker)

DetectiveControls(stack, "Detective", config_delivery_key=keys.data_key)

plan = EncryptedBackupPlan(stack, "Backup", encryption_key=keys.data_key, retention=cdk.Duration.days(35))
plan.add_resources("DataBucket", [backup.BackupResource.from_arn(data.bucket_arn)])

cdk.Aspects.of(app).add(PolicyValidator())
cdk.Aspects.of(app).add(RequirePermissionsBoundary())
cdk.Validations.of(app).add_plugins(GuardrailsChecks(app))

app.synth()
