"""AWS policy evaluation, with golden cases from the AWS documentation:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
"""

from __future__ import annotations

from typing import Any

from certprep.labs.graders.iam_evaluation import (
    Decision,
    Outcome,
    PolicySet,
    Principal,
    Request,
    evaluate,
)
from certprep.labs.graders.iam_policy import Policy, parse_policy

ALLOW, EXPLICIT, IMPLICIT = Outcome.ALLOW, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY


def doc(*statements: dict[str, Any], kind: Any = "identity", name: str = "policy") -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, kind, name)


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(principal: str, action: str, resource: str, policies: PolicySet, **kw: Any) -> Decision:
    return evaluate(Request(Principal.parse(principal), action, resource, **kw), policies)


FULL_AWS_ACCESS = doc(allow("*"), kind="scp", name="FullAWSAccess")

# -- Carlos, within one account (policy-eval-basics page) ------------------------------------

CARLOS = "arn:aws:iam::123456789012:user/carlossalazar"
CARLOS_POLICY = doc(
    {
        "Sid": "AllowS3ListRead",
        "Effect": "Allow",
        "Action": [
            "s3:GetBucketLocation",
            "s3:GetAccountPublicAccessBlock",
            "s3:ListAccessPoints",
            "s3:ListAllMyBuckets",
        ],
        "Resource": "arn:aws:s3:::*",
    },
    {
        "Sid": "AllowS3Self",
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": [
            "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
            "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar",
        ],
    },
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
    name="carlossalazar's policy",
)
CARLOS_BUCKET = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": CARLOS},
        "Action": "s3:*",
        "Resource": [
            "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
            "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar",
        ],
    },
    kind="resource",
    name="the bucket policy",
)


def test_carlos_saves_to_the_logs_bucket_and_is_explicitly_denied() -> None:
    policies = PolicySet(identity=(CARLOS_POLICY,))
    decision = decide(
        CARLOS,
        "s3:PutObject",
        "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/f.txt",
        policies,
    )
    assert decision.outcome is EXPLICIT and "DenyS3Logs" in decision.reason


def test_carlos_saves_to_his_bucket_and_either_policy_alone_allows_it() -> None:
    target = "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/f.txt"
    both = PolicySet(identity=(CARLOS_POLICY,), resource=CARLOS_BUCKET)
    assert decide(CARLOS, "s3:PutObject", target, both).outcome is ALLOW
    # "If either the identity-based policy or the resource-based policy within the same account
    # allows the request and the other doesn't, the request is still allowed."
    bucket_only = PolicySet(identity=(doc(allow("iam:GetUser")),), resource=CARLOS_BUCKET)
    assert decide(CARLOS, "s3:PutObject", target, bucket_only).outcome is ALLOW
    assert (
        decide(CARLOS, "s3:PutObject", target, PolicySet(identity=(CARLOS_POLICY,))).outcome
        is ALLOW
    )
    assert decide(CARLOS, "s3:PutObject", target, PolicySet()).outcome is IMPLICIT


# -- explicit and implicit denies (AccessPolicyLanguage_Interplay page) -----------------------


def test_allow_get_list_with_deny_reports() -> None:
    policies = PolicySet(
        identity=(
            doc(
                {**allow(["iam:Get*", "iam:List*"]), "Sid": "AllowGetList"},
                {**deny("iam:*Report"), "Sid": "DenyReports"},
            ),
        )
    )
    user = "arn:aws:iam::123456789012:user/pat"
    assert (
        decide(user, "iam:GetUser", "arn:aws:iam::123456789012:user/pat", policies).outcome is ALLOW
    )
    assert decide(user, "iam:CreatePolicy", "*", policies).outcome is IMPLICIT
    assert decide(user, "iam:GetOrganizationsAccessReport", "*", policies).outcome is EXPLICIT
    # "If someone adds another policy ... to grant ... iam:GenerateCredentialReport ... still denied"
    more = PolicySet(identity=(*policies.identity, doc(allow("iam:GenerateCredentialReport"))))
    assert decide(user, "iam:GenerateCredentialReport", "*", more).outcome is EXPLICIT


# -- cross-account (cross-account evaluation page) --------------------------------------------

CROSS_CARLOS = "arn:aws:iam::111111111111:user/carlossalazar"
CROSS_IDENTITY = doc(
    {"Sid": "AllowS3ListRead", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
    {
        "Sid": "AllowS3ProductionObjectActions",
        "Effect": "Allow",
        "Action": "s3:*Object*",
        "Resource": "arn:aws:s3:::Production/*",
    },
    {
        "Sid": "DenyS3Logs",
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"],
    },
)
PRODUCTION_BUCKET = doc(
    {
        "Effect": "Allow",
        "Action": ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
        "Principal": {"AWS": "arn:aws:iam::111111111111:user/carlossalazar"},
        "Resource": "arn:aws:s3:::Production/*",
    },
    kind="resource",
    name="the Production bucket policy",
)


def test_cross_account_carlos_and_the_production_buckets() -> None:
    logs = decide(
        CROSS_CARLOS,
        "s3:PutObject",
        "arn:aws:s3:::Production-logs/f",
        PolicySet(identity=(CROSS_IDENTITY,)),
        resource_account="222222222222",
    )
    assert logs.outcome is EXPLICIT
    production = PolicySet(identity=(CROSS_IDENTITY,), resource=PRODUCTION_BUCKET)
    put = decide(
        CROSS_CARLOS,
        "s3:PutObject",
        "arn:aws:s3:::Production/f",
        production,
        resource_account="222222222222",
    )
    assert put.outcome is ALLOW
    # "He can create and edit, but not delete the objects in the bucket."
    delete = decide(
        CROSS_CARLOS,
        "s3:DeleteObject",
        "arn:aws:s3:::Production/f",
        production,
        resource_account="222222222222",
    )
    assert delete.outcome is IMPLICIT and "Production bucket policy" in delete.reason


def test_cross_account_needs_both_sides() -> None:
    bucket = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "111111111111"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*",
        },
        kind="resource",
    )
    user = "arn:aws:iam::111111111111:user/ana"
    target = "arn:aws:s3:::shared/a.txt"
    identity = doc(allow("s3:GetObject", "arn:aws:s3:::shared/*"))
    assert decide(
        user,
        "s3:GetObject",
        target,
        PolicySet(identity=(identity,), resource=bucket),
        resource_account="222222222222",
    ).allowed
    # the resource policy naming the account is not enough on its own
    no_identity = decide(
        user, "s3:GetObject", target, PolicySet(resource=bucket), resource_account="222222222222"
    )
    assert no_identity.outcome is IMPLICIT and "identity-based policy" in no_identity.reason
    # nor is the identity policy without the resource policy
    no_resource = decide(
        user,
        "s3:GetObject",
        target,
        PolicySet(identity=(identity,)),
        resource_account="222222222222",
    )
    assert no_resource.outcome is IMPLICIT and "cross-account" in no_resource.reason
    # even a grant naming the user directly still needs the user's own identity policy
    direct = doc(
        {"Effect": "Allow", "Principal": {"AWS": user}, "Action": "s3:GetObject", "Resource": "*"},
        kind="resource",
    )
    assert not decide(
        user, "s3:GetObject", target, PolicySet(resource=direct), resource_account="222222222222"
    ).allowed


# -- permissions boundaries (access_policies_boundaries page) ---------------------------------

SHIRLEY = "arn:aws:iam::123456789012:user/ShirleyRodriguez"
SHIRLEY_BOUNDARY = doc(allow(["s3:*", "cloudwatch:*", "ec2:*"]), name="Shirley's boundary")


def test_the_boundary_caps_identity_policies_without_granting_anything() -> None:
    create_user = PolicySet(identity=(doc(allow("iam:CreateUser")),), boundary=SHIRLEY_BOUNDARY)
    decision = decide(SHIRLEY, "iam:CreateUser", "*", create_user)
    assert decision.outcome is IMPLICIT and "boundary" in decision.reason
    assert (
        decide(
            SHIRLEY, "s3:ListBucket", "arn:aws:s3:::b", PolicySet(boundary=SHIRLEY_BOUNDARY)
        ).outcome
        is IMPLICIT
    )
    with_s3 = PolicySet(identity=(doc(allow("s3:*")),), boundary=SHIRLEY_BOUNDARY)
    assert decide(SHIRLEY, "s3:ListBucket", "arn:aws:s3:::b", with_s3).outcome is ALLOW


ZHANG = "arn:aws:iam::123456789012:user/Zhang"
DELEGATED_USER_BOUNDARY = doc(
    {
        "Sid": "CreateOrChangeOnlyWithBoundary",
        "Effect": "Allow",
        "Action": [
            "iam:CreateUser",
            "iam:DeleteUserPolicy",
            "iam:AttachUserPolicy",
            "iam:DetachUserPolicy",
            "iam:PutUserPermissionsBoundary",
        ],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/XCompanyBoundaries"
            }
        },
    },
    {
        "Sid": "CloudWatchAndOtherIAMTasks",
        "Effect": "Allow",
        "Action": ["cloudwatch:*", "iam:GetUser", "iam:ListUsers", "iam:CreatePolicy"],
        "Resource": "*",
    },
    {
        "Sid": "NoBoundaryPolicyEdit",
        "Effect": "Deny",
        "Action": [
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
        ],
        "Resource": [
            "arn:aws:iam::123456789012:policy/XCompanyBoundaries",
            "arn:aws:iam::123456789012:policy/DelegatedUserBoundary",
        ],
    },
    {
        "Sid": "NoBoundaryUserDelete",
        "Effect": "Deny",
        "Action": "iam:DeleteUserPermissionsBoundary",
        "Resource": "*",
    },
    name="DelegatedUserBoundary",
)
DELEGATED_USER_PERMISSIONS = doc(
    {"Sid": "IAM", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},
    name="DelegatedUserPermissions",
)


def test_zhang_creates_users_only_with_the_company_boundary() -> None:
    policies = PolicySet(identity=(DELEGATED_USER_PERMISSIONS,), boundary=DELEGATED_USER_BOUNDARY)
    new_user = "arn:aws:iam::123456789012:user/new-hire"
    boundary = {"iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/XCompanyBoundaries"}
    assert decide(ZHANG, "iam:CreateUser", new_user, policies, context=boundary).outcome is ALLOW
    assert decide(ZHANG, "iam:CreateUser", new_user, policies).outcome is IMPLICIT
    other = {"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert decide(ZHANG, "iam:CreateUser", new_user, policies, context=other).outcome is IMPLICIT
    edit = decide(
        ZHANG,
        "iam:CreatePolicyVersion",
        "arn:aws:iam::123456789012:policy/XCompanyBoundaries",
        policies,
    )
    assert edit.outcome is EXPLICIT and "NoBoundaryPolicyEdit" in edit.reason
    assert (
        decide(ZHANG, "iam:DeleteUserPermissionsBoundary", new_user, policies).outcome is EXPLICIT
    )


# -- resource-based policies and implicit denies, same account (denyallow page) ---------------

ACCOUNT = "111122223333"
ROLE = "arn:aws:iam::111122223333:role/examplerole"
SESSION = "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname"
USER = "arn:aws:iam::111122223333:user/exampleuser"
OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv"
NOTHING = doc(allow("sqs:ListQueues"), name="the boundary")  # a boundary that does not allow S3


def bucket_naming(principal: str) -> Policy:
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
        },
        kind="resource",
        name="the bucket policy",
    )


def test_a_grant_to_the_role_arn_is_limited_by_boundary_and_session_policy() -> None:
    grant = bucket_naming(ROLE)
    assert decide(SESSION, "s3:GetObject", OBJECT, PolicySet(resource=grant)).outcome is ALLOW
    assert (
        decide(SESSION, "s3:GetObject", OBJECT, PolicySet(resource=grant, boundary=NOTHING)).outcome
        is IMPLICIT
    )
    session_policy = doc(allow("sqs:*"), name="the session policy")
    assert (
        decide(
            SESSION, "s3:GetObject", OBJECT, PolicySet(resource=grant, session=(session_policy,))
        ).outcome
        is IMPLICIT
    )


def test_a_grant_to_the_session_arn_is_not_limited() -> None:
    grant = bucket_naming(SESSION)
    session_policy = doc(allow("sqs:*"), name="the session policy")
    both = PolicySet(resource=grant, boundary=NOTHING, session=(session_policy,))
    decision = decide(SESSION, "s3:GetObject", OBJECT, both)
    assert decision.outcome is ALLOW and "directly" in decision.reason


def test_a_grant_to_the_user_arn_is_not_limited_by_identity_policy_or_boundary() -> None:
    assert (
        decide(
            USER, "s3:GetObject", OBJECT, PolicySet(resource=bucket_naming(USER), boundary=NOTHING)
        ).outcome
        is ALLOW
    )


def test_a_grant_to_the_account_delegates_to_identity_policies() -> None:
    grant = bucket_naming(ACCOUNT)
    assert decide(USER, "s3:GetObject", OBJECT, PolicySet(resource=grant)).outcome is IMPLICIT
    identity = doc(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*"))
    assert (
        decide(
            USER, "s3:GetObject", OBJECT, PolicySet(resource=grant, identity=(identity,))
        ).outcome
        is ALLOW
    )


def test_principal_star_with_a_principal_arn_condition_is_not_limited_by_boundaries() -> None:
    # Principal page: boundaries and session policies "do not limit permissions granted using
    # the aws:PrincipalArn condition key with a wildcard(*) in the Principal element"
    grant = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": ROLE}},
        },
        kind="resource",
    )
    assert (
        decide(SESSION, "s3:GetObject", OBJECT, PolicySet(resource=grant, boundary=NOTHING)).outcome
        is ALLOW
    )
    other = "arn:aws:sts::111122223333:assumed-role/other/s"
    assert decide(other, "s3:GetObject", OBJECT, PolicySet(resource=grant)).outcome is IMPLICIT


def test_an_explicit_deny_in_the_resource_policy_beats_an_identity_allow() -> None:
    bucket = doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        kind="resource",
    )
    identity = doc(allow("s3:*"))
    policies = PolicySet(identity=(identity,), resource=bucket)
    assert decide(USER, "s3:GetObject", OBJECT, policies).outcome is ALLOW
    insecure = decide(
        USER, "s3:GetObject", OBJECT, policies, context={"aws:SecureTransport": False}
    )
    assert insecure.outcome is EXPLICIT


def test_not_principal_deny_in_a_bucket_policy() -> None:
    # NotPrincipal page: deny everyone except Bob (and Bob's account); Bob still needs an Allow
    bucket = doc(
        {
            "Effect": "Deny",
            "NotPrincipal": {
                "AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]
            },
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"],
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "444455556666"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::BUCKETNAME/*",
        },
        kind="resource",
    )
    identity = doc(allow("s3:*"))
    policies = PolicySet(identity=(identity,), resource=bucket)
    kw = {"resource_account": "111122223333"}
    assert decide(
        "arn:aws:iam::444455556666:user/Bob",
        "s3:GetObject",
        "arn:aws:s3:::BUCKETNAME/x",
        policies,
        **kw,
    ).allowed
    alice = decide(
        "arn:aws:iam::444455556666:user/Alice",
        "s3:GetObject",
        "arn:aws:s3:::BUCKETNAME/x",
        policies,
        **kw,
    )
    assert alice.outcome is EXPLICIT
    bounded = PolicySet(identity=(identity,), resource=bucket, boundary=doc(allow("s3:*")))
    bob = decide(
        "arn:aws:iam::444455556666:user/Bob",
        "s3:GetObject",
        "arn:aws:s3:::BUCKETNAME/x",
        bounded,
        **kw,
    )
    assert bob.outcome is EXPLICIT  # a boundary makes NotPrincipal-with-Deny always deny


# -- session policies (access_policies page) --------------------------------------------------


def test_session_policy_intersects_with_the_role_policy() -> None:
    identity = doc(allow(["s3:*", "dynamodb:*"]))
    session = doc(allow("s3:GetObject"), name="the session policy")
    policies = PolicySet(identity=(identity,), session=(session,))
    assert decide(SESSION, "s3:GetObject", OBJECT, policies).outcome is ALLOW
    denied = decide(
        SESSION, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t", policies
    )
    assert denied.outcome is IMPLICIT and "session policy" in denied.reason
    # session policies limit sessions, not IAM users
    assert decide(
        USER, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t", policies
    ).allowed


def test_a_federated_user_session_needs_a_session_policy() -> None:
    federated = "arn:aws:sts::111122223333:federated-user/exampleuser"
    identity = doc(allow("s3:*"))
    assert (
        decide(federated, "s3:GetObject", OBJECT, PolicySet(identity=(identity,))).outcome
        is IMPLICIT
    )
    session = doc(allow("s3:GetObject"), name="the session policy")
    assert decide(
        federated, "s3:GetObject", OBJECT, PolicySet(identity=(identity,), session=(session,))
    ).allowed


# -- the root user -----------------------------------------------------------------------------


def test_the_root_user_has_full_access_in_its_account_except_for_scps_and_denies() -> None:
    assert decide(
        ACCOUNT, "ec2:RunInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/*", PolicySet()
    ).allowed
    deny_ec2_for_root = doc(
        {
            **deny("ec2:*"),
            "Sid": "RestrictEC2ForRoot",
            "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
        },
        kind="scp",
    )
    policies = PolicySet(scps=((FULL_AWS_ACCESS, deny_ec2_for_root),))
    assert (
        decide(
            ACCOUNT, "ec2:RunInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/*", policies
        ).outcome
        is EXPLICIT
    )
    assert decide(ACCOUNT, "s3:ListAllMyBuckets", "*", policies).allowed


# -- SCPs (Organizations user guide) ----------------------------------------------------------

ADMIN = doc(allow("*"), name="AdministratorAccess")
MEMBER_ROLE = "arn:aws:iam::222222222222:role/ops"


def test_every_level_from_root_to_account_must_allow() -> None:
    # inheritance page illustration: root allows A, B, C; the OU allows C, D, E -> only C
    root = doc(allow(["a:A", "b:B", "c:C"]), kind="scp")
    ou = doc(allow(["c:C", "d:D", "e:E"]), kind="scp")
    policies = PolicySet(identity=(ADMIN,), scps=((root,), (ou,), (FULL_AWS_ACCESS,)))
    assert decide(MEMBER_ROLE, "c:C", "*", policies).allowed
    a = decide(MEMBER_ROLE, "a:A", "*", policies)
    assert a.outcome is IMPLICIT and "OU level 1" in a.reason
    d = decide(MEMBER_ROLE, "d:D", "*", policies)
    assert d.outcome is IMPLICIT and "organization root" in d.reason
    # no FullAWSAccess left on the account: nothing is allowed
    bare = PolicySet(identity=(ADMIN,), scps=((FULL_AWS_ACCESS,), (FULL_AWS_ACCESS,), ()))
    assert decide(MEMBER_ROLE, "c:C", "*", bare).outcome is IMPLICIT


def test_an_scp_never_grants() -> None:
    policies = PolicySet(scps=((FULL_AWS_ACCESS,),))
    assert decide(MEMBER_ROLE, "s3:ListAllMyBuckets", "*", policies).outcome is IMPLICIT


def test_scps_do_not_affect_the_management_account_or_service_linked_roles() -> None:
    deny_all = doc(deny("*"), kind="scp")
    policies = PolicySet(
        identity=(ADMIN,), scps=((FULL_AWS_ACCESS, deny_all),), management_account="999999999999"
    )
    assert decide(MEMBER_ROLE, "s3:ListAllMyBuckets", "*", policies).outcome is EXPLICIT
    assert decide(
        "arn:aws:iam::999999999999:role/ops", "s3:ListAllMyBuckets", "*", policies
    ).allowed
    slr = "arn:aws:iam::222222222222:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations"
    assert decide(slr, "s3:ListAllMyBuckets", "*", policies).allowed


DENY_ALL_OUTSIDE_EU = doc(
    {
        "Sid": "DenyAllOutsideEU",
        "Effect": "Deny",
        "NotAction": [
            "cloudfront:*",
            "iam:*",
            "route53:*",
            "support:*",
            "sts:*",
            "organizations:*",
        ],
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]},
            "ArnNotLike": {
                "aws:PrincipalARN": [
                    "arn:aws:iam::*:role/Role1AllowedToBypassThisSCP",
                    "arn:aws:iam::*:role/Role2AllowedToBypassThisSCP",
                ]
            },
        },
    },
    kind="scp",
    name="the region SCP",
)


def test_the_region_deny_scp_with_global_service_and_role_exemptions() -> None:
    policies = PolicySet(identity=(ADMIN,), scps=((FULL_AWS_ACCESS, DENY_ALL_OUTSIDE_EU),))
    us = {"aws:RequestedRegion": "us-east-1"}
    run = "ec2:RunInstances"
    instance = "arn:aws:ec2:us-east-1:222222222222:instance/*"
    assert decide(MEMBER_ROLE, run, instance, policies, context=us).outcome is EXPLICIT
    assert decide(
        MEMBER_ROLE, run, "arn:aws:ec2:eu-west-1:222222222222:instance/*", policies
    ).allowed
    assert decide(
        MEMBER_ROLE, "iam:CreateRole", "arn:aws:iam::222222222222:role/x", policies, context=us
    ).allowed
    bypass = "arn:aws:sts::222222222222:assumed-role/Role1AllowedToBypassThisSCP/admin"
    assert decide(bypass, run, instance, policies, context=us).allowed


def test_region_deny_identity_policy_example() -> None:
    # reference_policies_examples_aws_deny-requested-region: the same Deny as an identity policy
    region_deny = doc(
        {
            "Sid": "DenyAllOutsideEU",
            "Effect": "Deny",
            "NotAction": ["cloudfront:*", "iam:*", "route53:*", "support:*"],
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}
            },
        }
    )
    policies = PolicySet(identity=(ADMIN, region_deny))
    user = "arn:aws:iam::222222222222:user/dev"
    assert (
        decide(
            user,
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-west-2:222222222222:function:f",
            policies,
        ).outcome
        is EXPLICIT
    )
    assert decide(
        user,
        "lambda:InvokeFunction",
        "arn:aws:lambda:eu-central-1:222222222222:function:f",
        policies,
    ).allowed
    assert decide(
        user, "route53:ListHostedZones", "*", policies, context={"aws:RequestedRegion": "us-east-1"}
    ).allowed


# -- KMS key policies must allow (denyallow page; default key policy) --------------------------

KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_a_kms_key_policy_must_allow_and_the_default_one_enables_iam_policies() -> None:
    default_key_policy = doc(
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        kind="resource",
        name="the key policy",
    )
    identity = doc(allow("kms:Decrypt", KEY))
    enabled = PolicySet(
        identity=(identity,), resource=default_key_policy, resource_policy_required=True
    )
    assert decide(USER, "kms:Decrypt", KEY, enabled).allowed
    assert decide(USER, "kms:Encrypt", KEY, enabled).outcome is IMPLICIT
    admins_only = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
            "Action": "kms:*",
            "Resource": "*",
        },
        kind="resource",
        name="the key policy",
    )
    locked = PolicySet(identity=(identity,), resource=admins_only, resource_policy_required=True)
    decision = decide(USER, "kms:Decrypt", KEY, locked)
    assert decision.outcome is IMPLICIT and "must allow" in decision.reason


# -- service principals -----------------------------------------------------------------------


def test_a_service_principal_is_allowed_only_by_the_resource_policy() -> None:
    bucket = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::trail-logs/AWSLogs/111122223333/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        },
        kind="resource",
    )
    policies = PolicySet(resource=bucket, scps=((doc(deny("*"), kind="scp"),),))
    put = "arn:aws:s3:::trail-logs/AWSLogs/111122223333/x.json.gz"
    ctx = {"aws:SourceAccount": "111122223333"}
    assert decide("cloudtrail.amazonaws.com", "s3:PutObject", put, policies, context=ctx).allowed
    assert not decide("cloudtrail.amazonaws.com", "s3:PutObject", put, policies).allowed
    assert not decide("config.amazonaws.com", "s3:PutObject", put, policies, context=ctx).allowed


def test_derived_context_keys() -> None:
    session = Principal.parse(
        "arn:aws:iam::111122223333:role/team/Deploy", tags={"Team": "build"}, org_id="o-abc"
    )
    keys = Request(
        session, "s3:GetObject", "arn:aws:lambda:eu-west-1:444455556666:function:f"
    ).full_context()
    assert keys["aws:principalarn"] == "arn:aws:iam::111122223333:role/team/Deploy"
    assert keys["aws:principaltype"] == "AssumedRole" and "aws:username" not in keys
    assert keys["aws:principaltag/team"] == "build" and keys["aws:principalorgid"] == "o-abc"
    assert (
        keys["aws:resourceaccount"] == "444455556666" and keys["aws:requestedregion"] == "eu-west-1"
    )
    assert str(keys["aws:userid"]).endswith(":session") and keys["aws:securetransport"] == "true"
    user = Principal.parse(
        "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob"
    ).context()
    assert user["aws:username"] == "Bob" and user["aws:principaltype"] == "User"


# -- RCPs (orgs_manage_policies_rcps page): Deny only, RCPFullAWSAccess always attached --------

IDENTITY_PERIMETER = doc(
    {
        "Sid": "EnforceOrgIdentities",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:*", "sqs:*", "kms:*"],
        "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    },
    kind="rcp",
    name="the RCP",
)


def test_an_rcp_keeps_principals_outside_the_organization_out() -> None:
    bucket = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*",
        },
        kind="resource",
    )
    policies = PolicySet(
        resource=bucket, rcps=(IDENTITY_PERIMETER,), management_account="999999999999"
    )
    target = "arn:aws:s3:::shared/a.txt"
    inside = Request(
        Principal.parse("arn:aws:iam::222222222222:user/ana", org_id="o-a1b2c3d4e5"),
        "s3:GetObject",
        target,
        resource_account="111111111111",
    )
    outside = Request(
        Principal.parse("arn:aws:iam::444455556666:user/eve"),
        "s3:GetObject",
        target,
        resource_account="111111111111",
    )
    identity = doc(allow("s3:GetObject"))
    with_identity = PolicySet(identity=(identity,), resource=bucket, rcps=(IDENTITY_PERIMETER,))
    assert evaluate(inside, with_identity).allowed
    denied = evaluate(outside, with_identity)
    assert denied.outcome is EXPLICIT and "EnforceOrgIdentities" in denied.reason
    # RCPs do not affect resources in the management account
    in_management = Request(
        outside.principal, "s3:GetObject", target, resource_account="999999999999"
    )
    assert evaluate(
        in_management,
        PolicySet(
            identity=(identity,),
            resource=bucket,
            rcps=policies.rcps,
            management_account="999999999999",
        ),
    ).allowed
    # an AWS service principal passes the BoolIfExists exemption
    service = Request(
        Principal.parse("cloudtrail.amazonaws.com"),
        "s3:GetObject",
        target,
        resource_account="111111111111",
    )
    assert evaluate(service, policies).allowed
