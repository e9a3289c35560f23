"""Amazon S3 or any S3-compatible server (MinIO, moto), through boto3.

Two clients: one talks to the store from inside (``S3_ENDPOINT_URL``), the other only signs URLs for
browsers, which may reach the store at another address (``S3_PUBLIC_ENDPOINT_URL``, e.g. MinIO
behind a proxy). Signing is local: it costs no request.
"""

from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Self

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

from .base import ObjectInfo, PartTarget, PendingMultipart, UploadTarget
from .names import content_disposition

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def _client(endpoint_url: str | None) -> "S3Client":
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=settings.S3_REGION,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


def _is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    name = "s3"

    def __init__(self, *, client: "S3Client", signer: "S3Client", bucket: str) -> None:
        self.client = client
        self.signer = signer
        self.bucket = bucket

    @classmethod
    def from_settings(cls) -> Self:
        client = _client(settings.S3_ENDPOINT_URL)
        public = settings.S3_PUBLIC_ENDPOINT_URL
        signer = _client(public) if public and public != settings.S3_ENDPOINT_URL else client
        return cls(client=client, signer=signer, bucket=settings.S3_BUCKET)

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    # --- uploads from the browser ---------------------------------------------------------------

    def presigned_post(self, *, key: str, content_type: str, max_bytes: int, expires_in: int) -> UploadTarget:
        post = self.signer.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
            ExpiresIn=expires_in,
        )
        return UploadTarget(method="POST", url=post["url"], fields=dict(post["fields"]))

    def multipart_create(self, *, key: str, content_type: str) -> str:
        return self.client.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type)["UploadId"]

    def multipart_part_targets(
        self, *, key: str, upload_id: str, part_numbers: list[int], expires_in: int
    ) -> list[PartTarget]:
        return [
            PartTarget(
                part_number=number,
                url=self.signer.generate_presigned_url(
                    "upload_part",
                    Params={"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": number},
                    ExpiresIn=expires_in,
                ),
            )
            for number in part_numbers
        ]

    def multipart_complete(self, *, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": number, "ETag": etag} for number, etag in parts]},
        )

    def multipart_abort(self, *, key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
                raise

    def multipart_list_pending(self, *, prefix: str) -> list[PendingMultipart]:
        pending: list[PendingMultipart] = []
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            pending.extend(
                PendingMultipart(key=upload["Key"], upload_id=upload["UploadId"], started_at=upload["Initiated"])
                for upload in page.get("Uploads", [])
            )
        return pending

    # --- objects --------------------------------------------------------------------------------

    def head(self, *, key: str) -> ObjectInfo | None:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
        return ObjectInfo(size=response["ContentLength"], content_type=response.get("ContentType", ""))

    def read_head_bytes(self, *, key: str, length: int) -> bytes:
        response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}")
        return response["Body"].read(length)

    def download_to(self, *, key: str, fileobj: IO[bytes]) -> None:
        # One streamed GET: half the time of download_fileobj, whose HEAD and transfer threads cost more
        # than they save on papers of a few MB.
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        for chunk in body.iter_chunks(chunk_size=1 << 20):
            fileobj.write(chunk)

    def upload_from(self, *, key: str, fileobj: IO[bytes], content_type: str) -> None:
        self.client.upload_fileobj(fileobj, self.bucket, key, ExtraArgs={"ContentType": content_type})

    def download_url(self, *, key: str, filename: str, expires_in: int, inline: bool = False) -> str:
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename, inline=inline),
            "ResponseContentType": "application/pdf",
        }
        return self.signer.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    def delete(self, *, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def list_keys(self, *, prefix: str) -> list[tuple[str, datetime]]:
        keys: list[tuple[str, datetime]] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend((item["Key"], item["LastModified"]) for item in page.get("Contents", []))
        return keys
