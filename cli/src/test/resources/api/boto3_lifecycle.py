"""boto3 against esm serve: the whole lifecycle of one mapping, and every field of every
EventSourceMappingConfiguration the server sends checked against botocore's own model of Lambda's API
(member names, types, enums). Usage: boto3_lifecycle.py ENDPOINT KEY_ID SECRET MAPPING_JSON_FILE
Exits non-zero (AssertionError) on the first mismatch; prints one line per step."""
import json
import sys
import time

import boto3
import botocore.config
import botocore.exceptions

endpoint, key_id, secret, mapping_file = sys.argv[1:5]
client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id,
                      aws_secret_access_key=secret,
                      config=botocore.config.Config(retries={"max_attempts": 1}))
model = client.meta.service_model
CONFIG = model.shape_for("EventSourceMappingConfiguration")
raw_bodies = []
# Members Lambda's API gained after the botocore Debian ships (EventSourceMappingArn: November 2024); the SDK for
# Java v2 the Java tests use knows them. Any other member the model does not know fails the check.
NEWER_THAN_MODEL = {"EventSourceMappingArn"} - set(CONFIG.members)
print("botocore", botocore.__version__, "model lacks", sorted(NEWER_THAN_MODEL))

# The raw JSON of each answer: botocore drops members it does not know, so the check must see the wire.
client.meta.events.register("after-call.lambda.*",
                            lambda http_response=None, **kw: raw_bodies.append(http_response.content))

TYPES = {"string": str, "integer": int, "long": int, "boolean": bool, "list": list, "structure": dict,
         "map": dict, "timestamp": (int, float), "double": (int, float)}


def check_value(path, shape, value):
    expected = TYPES[shape.type_name]
    assert isinstance(value, expected) and not (expected is int and isinstance(value, bool)), \
        f"{path}: {value!r} is not a {shape.type_name}"
    if shape.type_name == "string" and shape.enum:
        assert value in shape.enum, f"{path}: {value!r} not one of {shape.enum}"
    if shape.type_name == "structure":
        for k, v in value.items():
            assert k in shape.members, f"{path}.{k} is not a member of {shape.name}: {sorted(shape.members)}"
            check_value(f"{path}.{k}", shape.members[k], v)
    if shape.type_name == "list":
        for i, v in enumerate(value):
            check_value(f"{path}[{i}]", shape.member, v)
    if shape.type_name == "map":
        for k, v in value.items():
            check_value(f"{path}[{k}]", shape.value, v)


def check_raw_configuration(raw):
    known = {k: v for k, v in raw.items() if k not in NEWER_THAN_MODEL}
    check_value("EventSourceMappingConfiguration", CONFIG, known)
    if "EventSourceMappingArn" in raw:
        assert raw["EventSourceMappingArn"] == raw["FunctionArn"].split(":function:")[0] \
            + ":event-source-mapping:" + raw["UUID"], raw["EventSourceMappingArn"]
    for required in ("UUID", "FunctionArn", "State", "StateTransitionReason", "LastModified",
                     "LastProcessingResult", "Topics", "StartingPosition", "BatchSize", "EventSourceMappingArn",
                     "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig"):
        assert required in raw, f"{required} missing from {raw}"


def last_raw():
    return json.loads(raw_bodies[-1])


def get(uuid):
    c = client.get_event_source_mapping(UUID=uuid)
    check_raw_configuration(last_raw())
    return c


def await_state(uuid, state, seconds=90):
    deadline = time.time() + seconds
    while True:
        c = get(uuid)
        if c["State"] == state:
            return c
        assert time.time() < deadline, f"{uuid} not {state} after {seconds}s: {c['State']}"
        time.sleep(0.5)


mapping = json.load(open(mapping_file))
created = client.create_event_source_mapping(**mapping)
uuid = created["UUID"]
try:
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202, created["ResponseMetadata"]
    check_raw_configuration(last_raw())
    uuid = created["UUID"]
    assert created["State"] in ("Creating", "Enabled"), created["State"]
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:" + mapping["FunctionName"]
    assert created["Topics"] == mapping["Topics"]
    assert created["BatchSize"] == mapping["BatchSize"]
    assert created["SelfManagedKafkaEventSourceConfig"]["ConsumerGroupId"] == uuid
    assert created["LastModified"].year >= 2024, created["LastModified"]
    print("create", uuid, created["State"])

    enabled = await_state(uuid, "Enabled")
    assert enabled["StateTransitionReason"] == "USER_INITIATED"
    assert enabled["LastProcessingResult"] == "OK"
    print("enabled", uuid)

    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=3)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    check_raw_configuration(last_raw())
    assert updated["State"] in ("Updating", "Enabled"), updated["State"]
    assert await_state(uuid, "Enabled")["BatchSize"] == 3
    print("updated batch size", uuid)

    disabling = client.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabling["State"] in ("Disabling", "Disabled"), disabling["State"]
    await_state(uuid, "Disabled")
    assert client.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] in ("Enabling", "Enabled")
    await_state(uuid, "Enabled")
    print("disabled and enabled", uuid)

    listed = client.list_event_source_mappings(FunctionName=mapping["FunctionName"])
    for raw in last_raw()["EventSourceMappings"]:
        check_raw_configuration(raw)
    assert uuid in [m["UUID"] for m in listed["EventSourceMappings"]]
    paginated = [m["UUID"] for page in client.get_paginator("list_event_source_mappings").paginate(
        PaginationConfig={"PageSize": 1}) for m in page["EventSourceMappings"]]
    assert uuid in paginated and len(paginated) == len(set(paginated)), paginated
    print("listed", len(paginated))

    try:
        client.create_event_source_mapping(**mapping)
        raise AssertionError("a second create of the same mapping succeeded")
    except client.exceptions.ResourceConflictException as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    try:
        client.update_event_source_mapping(UUID=uuid, BatchSize=20000)
        raise AssertionError("BatchSize 20000 accepted")
    except client.exceptions.InvalidParameterValueException as e:
        assert "BatchSize" in e.response["Error"]["Message"], e.response["Error"]
    print("errors", "ResourceConflictException", "InvalidParameterValueException")

    deleted = client.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting", deleted["State"]
    deadline = time.time() + 60
    while True:
        try:
            client.get_event_source_mapping(UUID=uuid)
        except client.exceptions.ResourceNotFoundException as e:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
            assert e.response["Error"]["Message"] == "The resource you requested does not exist."
            break
        assert time.time() < deadline, "still there 60 s after delete"
        time.sleep(0.5)
    print("deleted", uuid)
except BaseException:
    # Leave no running job behind for the next test: the cluster has two slots.
    try:
        client.delete_event_source_mapping(UUID=uuid)
    except Exception:
        pass
    raise
