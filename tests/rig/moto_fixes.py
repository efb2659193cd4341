"""Answers moto gives in a shape AWS never does and the Rust SDK refuses (botocore accepts
any root element, the SDK checks it), put right before the server starts. Each fix names
the moto version that needed it; drop it when moto is fixed.

- GetBucketVersioning (moto 5.2.5): the root element is GetBucketVersioningResponse; S3
  and the model name it VersioningConfiguration.
"""

from moto.s3.responses import S3Response

XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


def get_bucket_versioning(self):
    status = self.backend.get_bucket_versioning(self.bucket_name)
    inner = f"<Status>{status}</Status>" if status else ""
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<VersioningConfiguration xmlns="{XMLNS}">{inner}</VersioningConfiguration>')
    return 200, {"Content-Type": "application/xml"}, body


def apply():
    S3Response.get_bucket_versioning = get_bucket_versioning
