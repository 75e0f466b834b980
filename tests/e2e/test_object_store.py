"""Objects written by Tributary's S3 client, judged by boto3 (and the other way round).

Drives src/lake/store/store_tool ($STORE_TOOL, default build/rel/src/lake/store/store_tool)
against the local MinIO; every test works under its own prefix helper-s3-e2e/<random>/.
"""

import hashlib
import os
import pathlib
import subprocess
import uuid

import boto3
import pytest

from conftest import BUILD, env


@pytest.fixture(scope="module")
def store_tool():
    path = pathlib.Path(os.environ.get("STORE_TOOL", BUILD / "rel" / "src" / "lake" / "store" / "store_tool"))
    if not path.exists():
        pytest.fail(f"{path} not built: build the store_tool target")
    return str(path)


@pytest.fixture(scope="module")
def s3():
    return boto3.client(
        "s3",
        endpoint_url=env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
        aws_access_key_id=env("AWS_ACCESS_KEY_ID", "tributary"),
        aws_secret_access_key=env("AWS_SECRET_ACCESS_KEY", "tributary-secret"),
        region_name=env("AWS_REGION", "us-east-1"),
    )


@pytest.fixture(scope="module")
def bucket():
    return env("TRIBUTARY_S3_BUCKET", "tributary-lake")


@pytest.fixture
def prefix(s3, bucket):
    p = f"helper-s3-e2e/{uuid.uuid4().hex}/"
    yield p
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=p):
        for o in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=o["Key"])


def run(tool, *args, env_extra=None):
    e = dict(os.environ)
    e.update(env_extra or {})
    return subprocess.run([tool, *args], capture_output=True, env=e, timeout=120)


def multipart_etag(data, part_size):
    digests = [hashlib.md5(data[i:i + part_size]).digest() for i in range(0, len(data), part_size)]
    return hashlib.md5(b"".join(digests)).hexdigest() + f"-{len(digests)}"


def test_put_is_read_back_by_boto3(store_tool, s3, bucket, prefix, tmp_path):
    key = prefix + "topics/orders/partition=0/orders+0+0000000000.json"
    body = b'{"id":1,"name":"caf\xc3\xa9"}\n{"id":2}\n'
    f = tmp_path / "small.json"
    f.write_bytes(body)
    r = run(store_tool, "put", key, str(f))
    assert r.returncode == 0, r.stderr
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == body
    assert got["ETag"].strip('"') == hashlib.md5(body).hexdigest()
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
    assert [o["Key"] for o in listed] == [key]


def test_multipart_upload_matches_boto3_view(store_tool, s3, bucket, prefix, tmp_path):
    part = 5 * 1024 * 1024
    data = os.urandom(13 * 1024 * 1024 + 4321)  # two full parts and a short one
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    key = prefix + "big/object.bin"
    r = run(store_tool, "--part-size", str(part), "--parallelism", "3", "--chunk", "777777",
            "upload", key, str(f))
    assert r.returncode == 0, r.stderr
    assert b'"parts":3' in r.stdout
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(data)
    # S3's multipart ETag: MD5 of the parts' MD5s, "-<parts>": the parts are in order.
    assert head["ETag"].strip('"') == multipart_etag(data, part)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", []) == []


def test_boto3_objects_are_read_listed_and_removed(store_tool, s3, bucket, prefix, tmp_path):
    keys = [prefix + "a b+c=d&e.json", prefix + "ключ/ü.txt", prefix + "z"]
    for i, k in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=k, Body=f"value {i}".encode())
    r = run(store_tool, "ls", prefix)
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.decode().splitlines()]
    assert [row[0] for row in rows] == sorted(keys)
    assert all(row[1] == "7" for row in rows)
    out = tmp_path / "out"
    r = run(store_tool, "get", keys[1], str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == b"value 1"
    r = run(store_tool, "rm", keys[0])
    assert r.returncode == 0, r.stderr
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=bucket, Key=keys[0])


def test_wrong_secret_is_reported_clearly(store_tool, prefix, tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"x")
    r = run(store_tool, "put", prefix + "x", str(f),
            env_extra={"AWS_SECRET_ACCESS_KEY": "definitely-wrong"})
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "HTTP 403 SignatureDoesNotMatch" in err
    assert "definitely-wrong" not in err


def test_local_folder_store(store_tool, tmp_path):
    root = tmp_path / "lake"
    src = tmp_path / "src.json"
    src.write_bytes(b"{}\n")
    url = f"file://{root}"
    key = "topics/t/partition=0/t+0+0000000000.json"
    assert run(store_tool, "--url", url, "put", key, str(src)).returncode == 0
    assert (root / key).read_bytes() == b"{}\n"
    r = run(store_tool, "--url", url, "ls", "topics/")
    assert r.stdout.decode().split("\t")[0] == key
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == [pathlib.Path(key).name]
