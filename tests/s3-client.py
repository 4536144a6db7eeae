#! /usr/bin/python3
"""An independent S3 client for the tests (boto3, Debian's python3-boto3).

    s3-client.py ENDPOINT list BUCKET [PREFIX]   keys, one a line, sorted
    s3-client.py ENDPOINT get BUCKET KEY FILE    the object into FILE
    s3-client.py ENDPOINT etag BUCKET KEY        its ETag, quotes stripped
    s3-client.py ENDPOINT uploads BUCKET         unfinished multipart uploads
    s3-client.py ENDPOINT start-upload BUCKET KEY
                          a multipart upload of KEY left unfinished, with one
                          part of 5 MiB, as an interrupted uploader leaves it

Credentials: S3_ACCESS_KEY and S3_SECRET_KEY (default: the test Swift's
TempAuth user through s3api), S3_REGION (default us-east-1).  Exit status
77 when boto3 is missing, so that a test can skip."""

import os
import sys

try:
    import boto3
    import botocore.config
except ImportError:
    sys.stderr.write("s3-client.py: python3-boto3 is not installed\n")
    sys.exit(77)


def main(argv):
    endpoint, cmd, bucket = argv[1], argv[2], argv[3]
    s3 = boto3.client(
        "s3", endpoint_url=endpoint,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY", "test:tester"),
        aws_secret_access_key=os.environ.get("S3_SECRET_KEY", "testing"),
        region_name=os.environ.get("S3_REGION", "us-east-1"),
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))
    if cmd == "list":
        prefix = argv[4] if len(argv) > 4 else ""
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
        for k in sorted(keys):
            print(k)
    elif cmd == "get":
        s3.download_file(bucket, argv[4], argv[5])
    elif cmd == "etag":
        print(s3.head_object(Bucket=bucket, Key=argv[4])["ETag"].strip('"'))
    elif cmd == "start-upload":
        u = s3.create_multipart_upload(Bucket=bucket, Key=argv[4])
        s3.upload_part(Bucket=bucket, Key=argv[4], UploadId=u["UploadId"],
                       PartNumber=1, Body=b"x" * (5 * 1024 * 1024))
    elif cmd == "uploads":
        for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            print(u["Key"], u["UploadId"])
    else:
        sys.stderr.write("s3-client.py: unknown command %s\n" % cmd)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
