"""The TikTok emulator refuses what TikTok's documents say TikTok refuses.

Spoken to in raw HTTP (`requests`, and a bare socket where a client library would tidy the
request up), never through our adapter: the rules come from the Content Posting API reference
and the media transfer guide, not from what our client happens to send. Sizes are TikTok's own
(MB = 2**20 bytes, as the guide's 4,194,304-byte "4 MB" example counts).
"""

import hashlib
import json
import os
import socket
from urllib.parse import urlsplit

import pytest
import requests

from distribution.emulators import TikTokEmulator

MB = 2**20
GB = 2**30
DIRECT_INIT = "/v2/post/publish/video/init/"
INBOX_INIT = "/v2/post/publish/inbox/video/init/"
CREATOR_INFO = "/v2/post/publish/creator_info/query/"
STATUS = "/v2/post/publish/status/fetch/"
POST_INFO = {
    "title": "Launch day #new",
    "privacy_level": "PUBLIC_TO_EVERYONE",
    "disable_comment": False,
    "disable_duet": False,
    "disable_stitch": False,
    "video_cover_timestamp_ms": 1000,
    "brand_content_toggle": False,
    "brand_organic_toggle": False,
    "is_aigc": False,
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def emulator():
    with TikTokEmulator() as emulator:
        emulator.clock = Clock()
        emulator.processing_polls = 0
        yield emulator


@pytest.fixture
def token(emulator):
    return emulator.issue_tokens()[0]


def post(emulator, path, body, *, token=None, authorization=None, content_type="application/json; charset=UTF-8"):
    headers = {"Content-Type": content_type}
    if authorization is not None or token is not None:
        headers["Authorization"] = authorization if authorization is not None else f"Bearer {token}"
    return requests.post(emulator.base_url + path, data=json.dumps(body), headers=headers, timeout=10)


def source(size, chunk=None, count=1):
    return {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": size if chunk is None else chunk,
            "total_chunk_count": count}  # fmt: skip


def init(emulator, token, size, chunk=None, count=1, post_info=None):
    body = {"post_info": POST_INFO if post_info is None else post_info, "source_info": source(size, chunk, count)}
    return post(emulator, DIRECT_INIT, body, token=token)


def upload_url(emulator, token, size, chunk=None, count=1) -> str:
    response = init(emulator, token, size, chunk, count)
    assert response.status_code == 200, response.text
    return response.json()["data"]["upload_url"]


def put(url, data, first, total, *, content_type="video/mp4", content_range=None):
    headers = {"Content-Range": content_range or f"bytes {first}-{first + len(data) - 1}/{total}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return requests.put(url, data=data, headers=headers, timeout=10)


def refused(response, status: int, code: str | None = None) -> dict:
    """TikTok's documented error shape, with the status (and code) the references give."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "log_id"} and error["message"] and error["log_id"]
    if code is not None:
        assert error["code"] == code
    return error


def only_publish(emulator):
    (publish,) = emulator.publishes.values()
    return publish


def raw_put(url: str, headers: dict[str, str], body: bytes, *, close_early: bool = False) -> tuple[int, bytes]:
    """A PUT exactly as written, Content-Length included; `close_early` stops sending after `body`."""
    parts = urlsplit(url)
    head = f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        if close_early:
            sock.shutdown(socket.SHUT_WR)
        reply = b""
        while b"\r\n\r\n" not in reply:
            block = sock.recv(65536)
            if not block:
                break
            reply += block
        status = int(reply.split(b" ", 2)[1])
        head_part, _, rest = reply.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head_part.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        while len(rest) < length:
            block = sock.recv(65536)
            if not block:
                break
            rest += block
    return status, rest


# --- tokens, scopes, rates -----------------------------------------------------------------
@pytest.mark.parametrize("authorization", ["", "Bearer not-a-token", "{token}", "Basic {token}"])
@pytest.mark.parametrize("path", [CREATOR_INFO, DIRECT_INIT, INBOX_INIT, STATUS])
def test_missing_or_wrong_bearer_token_is_refused(emulator, token, authorization, path):
    response = post(emulator, path, {}, authorization=authorization.format(token=token))
    refused(response, 401, "access_token_invalid")


def test_a_token_without_the_endpoints_scope_is_refused(emulator):
    upload_only, _ = emulator.issue_tokens(scopes=("user.info.basic", "video.upload"))
    publish_only, _ = emulator.issue_tokens(scopes=("user.info.basic", "video.publish"))

    refused(post(emulator, CREATOR_INFO, {}, token=upload_only), 401, "scope_not_authorized")
    refused(init(emulator, upload_only, 1000), 401, "scope_not_authorized")
    refused(post(emulator, INBOX_INIT, {"source_info": source(1000)}, token=publish_only), 401, "scope_not_authorized")
    inbox = post(emulator, INBOX_INIT, {"source_info": source(1000)}, token=upload_only)
    assert inbox.status_code == 200
    assert init(emulator, publish_only, 1000).status_code == 200
    assert not emulator.posts and len(emulator.publishes) == 2


def test_a_refreshed_token_keeps_the_scopes_it_was_granted(emulator):
    _, refresh = emulator.issue_tokens(scopes=("video.upload",))
    form = {"client_key": "k", "client_secret": "s", "grant_type": "refresh_token", "refresh_token": refresh}
    answer = requests.post(emulator.base_url + "/v2/oauth/token/", data=form, timeout=10).json()
    assert answer["scope"] == "video.upload"
    refused(post(emulator, CREATOR_INFO, {}, token=answer["access_token"]), 401, "scope_not_authorized")


def test_json_endpoints_need_a_json_body(emulator, token):
    response = post(emulator, DIRECT_INIT, {"post_info": POST_INFO}, token=token, content_type="text/plain")
    refused(response, 400, "invalid_param")
    not_json = requests.post(
        emulator.base_url + DIRECT_INIT,
        data=b"post_info=1",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )
    refused(not_json, 400, "invalid_param")


def test_more_than_six_inits_a_minute_per_token_are_refused(emulator, token):
    for _ in range(6):
        assert init(emulator, token, 1000).status_code == 200

    refused(init(emulator, token, 1000), 429, "rate_limit_exceeded")
    other_user = emulator.issue_tokens()[0]
    assert init(emulator, other_user, 1000).status_code == 200
    emulator.clock.now += 60
    assert init(emulator, token, 1000).status_code == 200
    assert len(emulator.publishes) == 8


def test_more_than_thirty_status_fetches_a_minute_per_token_are_refused(emulator, token):
    publish_id = init(emulator, token, 1000).json()["data"]["publish_id"]
    for _ in range(30):
        assert post(emulator, STATUS, {"publish_id": publish_id}, token=token).status_code == 200
    refused(post(emulator, STATUS, {"publish_id": publish_id}, token=token), 429, "rate_limit_exceeded")


def test_an_unknown_publish_id_is_refused(emulator, token):
    refused(post(emulator, STATUS, {"publish_id": "v_pub_file~nope"}, token=token), 400, "invalid_publish_id")


# --- post_info --------------------------------------------------------------------------------
def without(name):
    return {key: value for key, value in POST_INFO.items() if key != name}


@pytest.mark.parametrize(
    ("post_info", "status", "code"),
    [
        (None, 400, "invalid_param"),  # no post_info at all
        (without("brand_content_toggle"), 400, "invalid_param"),  # marked required
        (without("privacy_level"), 403, "privacy_level_option_mismatch"),  # "either unspecified or not among"
        (POST_INFO | {"brand_content_toggle": "false"}, 400, "invalid_param"),
        (POST_INFO | {"is_aigc": "yes"}, 400, "invalid_param"),
        (POST_INFO | {"disable_duet": 0}, 400, "invalid_param"),
        (POST_INFO | {"video_cover_timestamp_ms": "1s"}, 400, "invalid_param"),
        (POST_INFO | {"title": "\N{GRINNING FACE}" * 1101}, 400, "invalid_param"),  # 2202 UTF-16 runes
    ],
)
def test_direct_post_needs_its_post_info_fields(emulator, token, post_info, status, code):
    body = {"source_info": source(1000)} | ({} if post_info is None else {"post_info": post_info})
    refused(post(emulator, DIRECT_INIT, body, token=token), status, code)
    assert not emulator.publishes


def test_the_fullest_post_info_and_the_longest_title_are_taken(emulator, token):
    longest = POST_INFO | {"title": "\N{GRINNING FACE}" * 1100, "is_aigc": True}  # 2200 UTF-16 runes
    assert init(emulator, token, 1000, post_info=longest).status_code == 200
    assert only_publish(emulator).post_info == longest


@pytest.mark.parametrize("level", ["FOLLOWER_OF_CREATOR", "PUBLIC", "", None])
def test_privacy_level_must_be_one_of_creator_infos_options(emulator, token, level):
    offered = post(emulator, CREATOR_INFO, {}, token=token).json()["data"]["privacy_level_options"]
    assert level not in offered
    refused(init(emulator, token, 1000, post_info=POST_INFO | {"privacy_level": level}), 403,
            "privacy_level_option_mismatch")  # fmt: skip


def test_every_offered_privacy_level_is_taken(emulator, token):
    offered = post(emulator, CREATOR_INFO, {}, token=token).json()["data"]["privacy_level_options"]
    for level in offered:
        assert init(emulator, token, 1000, post_info=POST_INFO | {"privacy_level": level}).status_code == 200


def test_an_unaudited_client_may_only_post_privately(token):
    with TikTokEmulator(unaudited=True) as emulator:
        access = emulator.issue_tokens()[0]
        refused(init(emulator, access, 1000), 403, "unaudited_client_can_only_post_to_private_accounts")
        assert init(emulator, access, 1000, post_info=POST_INFO | {"privacy_level": "SELF_ONLY"}).status_code == 200


def test_a_sixth_pending_inbox_draft_is_refused(emulator, token):
    for _ in range(5):
        assert post(emulator, INBOX_INIT, {"source_info": source(1000)}, token=token).status_code == 200
    response = post(emulator, INBOX_INIT, {"source_info": source(1000)}, token=token)
    refused(response, 403, "spam_risk_too_many_pending_share")


# --- source_info arithmetic (media transfer guide, "Chunk restrictions") ---------------------
@pytest.mark.parametrize(
    ("size", "chunk", "count"),
    [
        (50_000_123, 10_000_000, 5),  # the guide's chunked example
        (4_194_304, 4_194_304, 1),  # the guide's whole example: "4 MB"
        (1, 1, 1),
        (5 * MB, 5 * MB, 1),
        (7_000_000, 7_000_000, 1),
        (7_000_000, 5 * MB, 1),  # the remainder joins the last (only) chunk
        (64 * MB, 64 * MB, 1),
        (64 * MB + 1, 32 * MB, 2),
        (200_000_000, 10 * MB, 19),
        (4 * GB, 64 * MB, 64),
    ],
)
def test_chunk_plans_the_guide_allows_are_taken(emulator, token, size, chunk, count):
    assert init(emulator, token, size, chunk, count).status_code == 200


@pytest.mark.parametrize(
    ("size", "chunk", "count"),
    [
        (1000, 500, 2),  # under 5 MB: whole
        (4_999_999, 5 * MB, 1),  # whole means chunk_size = video_size
        (7_000_000, 10 * MB, 1),  # a chunk larger than the file: floor(size / chunk) = 0
        (10 * MB - 1, 10 * MB, 1),
        (10 * MB, 4 * MB, 2),  # chunks under 5 MB
        (200 * MB, 65 * MB, 3),  # chunks over 64 MB
        (64 * MB + 1, 64 * MB, 1),  # over 64 MB in one chunk
        (30 * MB, 5 * MB, 5),  # count is not floor(size / chunk)
        (30 * MB, 5 * MB, 7),
        (0, 0, 0),
        (1000, 1000, 0),
        (4 * GB + 1, 64 * MB, 64),  # over 4 GB
        ("1000", "1000", "1"),  # int64, not strings
        (1000, 1000, True),
    ],
)
def test_chunk_plans_that_break_the_guide_are_refused(emulator, token, size, chunk, count):
    refused(init(emulator, token, size, chunk, count), 400, "invalid_param")
    assert not emulator.publishes


def test_only_file_upload_is_emulated_and_it_needs_its_sizes(emulator, token):
    pulled = {"source": "PULL_FROM_URL", "video_url": "https://example.com/video.mp4"}
    refused(post(emulator, DIRECT_INIT, {"post_info": POST_INFO, "source_info": pulled}, token=token), 400)
    refused(post(emulator, DIRECT_INIT, {"post_info": POST_INFO}, token=token), 400, "invalid_param")


def test_the_chunk_count_and_last_chunk_limits_hold_where_they_can_be_reached():
    """Under 4 GB TikTok's own sizes never reach 1000 chunks or a 128 MB last chunk; a shrunken
    emulator shows the limits are kept."""
    with TikTokEmulator(min_chunk=1000, max_chunk=64_000, max_last_chunk=100_000) as emulator:
        access = emulator.issue_tokens()[0]
        refused(init(emulator, access, 1001 * 1000, 1000, 1001), 400, "invalid_param")
        assert init(emulator, access, 1000 * 1000, 1000, 1000).status_code == 200
        refused(init(emulator, access, 64_000 + 50_000, 64_000, 1), 400, "invalid_param")  # one chunk over max
        refused(init(emulator, access, 3 * 64_000 - 1, 64_000, 2), 400, "invalid_param")  # last 127,999 > 100,000


# --- chunk PUTs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["application/octet-stream", "video/x-msvideo", None])
def test_a_chunk_with_an_undocumented_content_type_is_refused(emulator, token, content_type):
    url = upload_url(emulator, token, 1000)
    refused(put(url, os.urandom(1000), 0, 1000, content_type=content_type), 400)
    assert only_publish(emulator).upload.committed == 0


@pytest.mark.parametrize("content_type", ["video/mp4", "video/quicktime", "video/webm"])
def test_the_documented_content_types_are_taken(emulator, token, content_type):
    url = upload_url(emulator, token, 1000)
    assert put(url, os.urandom(1000), 0, 1000, content_type=content_type).status_code == 201


@pytest.mark.parametrize("content_range", ["", "bytes 0-999/2000", "bytes 500-100/1000", "bytes */1000", "0-999/1000"])
def test_a_malformed_content_range_is_refused(emulator, token, content_range):
    url = upload_url(emulator, token, 1000)
    response = requests.put(
        url, data=os.urandom(1000), headers={"Content-Type": "video/mp4", "Content-Range": content_range}, timeout=10
    )
    refused(response, 400)
    assert only_publish(emulator).upload.committed == 0


def test_a_content_length_that_is_not_the_ranges_size_is_refused(emulator, token):
    url = upload_url(emulator, token, 1000)
    headers = {"Content-Type": "video/mp4", "Content-Range": "bytes 0-999/1000", "Content-Length": "500"}
    status, body = raw_put(url, headers, os.urandom(500))
    assert status == 400 and json.loads(body)["error"]["code"]
    assert only_publish(emulator).upload.committed == 0


def test_a_short_body_is_refused_and_nothing_is_kept(emulator, token):
    url = upload_url(emulator, token, 1000)
    headers = {"Content-Type": "video/mp4", "Content-Range": "bytes 0-999/1000", "Content-Length": "1000"}
    status, body = raw_put(url, headers, os.urandom(600), close_early=True)
    assert status == 400 and json.loads(body)["error"]["code"]
    publish = only_publish(emulator)
    assert publish.upload.committed == 0 and publish.status == "PROCESSING_UPLOAD"


def test_stored_bytes_skipped_or_overlapped_get_416_with_the_progress(emulator, token):
    data = os.urandom(10 * MB)
    url = upload_url(emulator, token, len(data), 5 * MB, 2)
    first, second = data[: 5 * MB], data[5 * MB :]

    skipped = put(url, second, 5 * MB, len(data))
    refused(skipped, 416)
    assert skipped.headers["Content-Range"] == f"bytes 0-0/{len(data)}"
    accepted = put(url, first, 0, len(data))
    assert accepted.status_code == 206 and accepted.headers["Content-Range"] == f"bytes 0-{5 * MB}/{len(data)}"
    overlapped = put(url, first, 0, len(data))
    refused(overlapped, 416)
    assert overlapped.headers["Content-Range"] == f"bytes 0-{5 * MB}/{len(data)}"
    done = put(url, second, 5 * MB, len(data))
    assert done.status_code == 201 and done.headers["Content-Range"] == f"bytes 0-{len(data)}/{len(data)}"
    again = put(url, second, 5 * MB, len(data))
    refused(again, 416)  # nothing is taken twice
    assert only_publish(emulator).upload.sha256() == hashlib.sha256(data).hexdigest()


def test_a_chunk_off_the_declared_plan_is_refused(emulator, token):
    data = os.urandom(10 * MB + 123)
    url = upload_url(emulator, token, len(data), 5 * MB, 2)

    refused(put(url, data[:MB], 0, len(data)), 400)  # shorter than chunk_size
    refused(put(url, data[: 6 * MB], 0, len(data)), 400)  # longer
    assert put(url, data[: 5 * MB], 0, len(data)).status_code == 206
    refused(put(url, data[5 * MB : 10 * MB], 5 * MB, len(data)), 400)  # the last chunk must carry the remainder
    assert put(url, data[5 * MB :], 5 * MB, len(data)).status_code == 201
    assert only_publish(emulator).upload.sha256() == hashlib.sha256(data).hexdigest()


def test_an_expired_upload_url_is_refused_with_403(emulator, token):
    url = upload_url(emulator, token, 1000)
    emulator.clock.now += 3601  # "The upload_url is valid for one hour after issuance."
    refused(put(url, os.urandom(1000), 0, 1000), 403)
    assert only_publish(emulator).upload.committed == 0

    fresh = upload_url(emulator, token, 1000)
    emulator.clock.now += 3599
    assert put(fresh, os.urandom(1000), 0, 1000).status_code == 201

    expired_by_hand = upload_url(emulator, token, 1000)
    emulator.expire_upload_urls()
    refused(put(expired_by_hand, os.urandom(1000), 0, 1000), 403)


def test_an_upload_url_with_a_wrong_token_or_id_is_not_found(emulator, token):
    url = upload_url(emulator, token, 1000)
    refused(put(url.replace("upload_token=", "upload_token=x"), os.urandom(1000), 0, 1000), 404)
    refused(put(url.split("?")[0], os.urandom(1000), 0, 1000), 404)
    refused(put(url.replace("/upload/v_pub", "/upload/v_nope"), os.urandom(1000), 0, 1000), 404)


# --- what it records ------------------------------------------------------------------------------
def test_a_complete_upload_becomes_one_post_with_the_bytes_hash(emulator, token):
    data = os.urandom(10 * MB + 5)
    response = init(emulator, token, len(data), 5 * MB, 2)
    publish_id, url = response.json()["data"]["publish_id"], response.json()["data"]["upload_url"]
    assert put(url, data[: 5 * MB], 0, len(data)).status_code == 206
    assert put(url, data[5 * MB :], 5 * MB, len(data)).status_code == 201

    status = post(emulator, STATUS, {"publish_id": publish_id}, token=token).json()

    assert status["error"]["code"] == "ok"
    assert status["data"]["status"] == "PUBLISH_COMPLETE" and status["data"]["uploaded_bytes"] == len(data)
    (posted,) = emulator.posts
    assert posted.sha256 == hashlib.sha256(data).hexdigest() and posted.size == len(data)
    assert status["data"]["publicaly_available_post_id"] == [posted.post_id]
