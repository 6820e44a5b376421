"""The YouTube emulator refuses what the Data API refuses: raw HTTP, no adapter, rules from the documents.

Sources: the resumable upload guide (start headers, 256 KiB chunks, `bytes */TOTAL` status
queries, 308 Range / Location, 404/410 for an expired session), the videos.insert reference
(snippet.title, status.privacyStatus public|unlisted|private) and commentThreads.insert.
"""

import json
import os

import pytest
import requests

from distribution.emulators import YouTubeEmulator

CHUNK = 256 * 1024
JSON_UTF8 = "application/json; charset=UTF-8"


@pytest.fixture
def emulator():
    with YouTubeEmulator() as emulator:
        yield emulator


@pytest.fixture
def token(emulator):
    return emulator.issue_tokens()[0]


def metadata(**status):
    return {"snippet": {"title": "Clip", "description": "d"}, "status": {"privacyStatus": "public", **status}}


def start(emulator, token, *, body=None, size=CHUNK * 2, headers=None, params=None):
    sent = {
        "Authorization": f"Bearer {token}",
        "Content-Type": JSON_UTF8,
        "X-Upload-Content-Length": str(size),
        "X-Upload-Content-Type": "video/mp4",
        **(headers or {}),
    }
    sent = {name: value for name, value in sent.items() if value is not None}
    return requests.post(
        f"{emulator.base_url}/upload/youtube/v3/videos",
        params=params or {"uploadType": "resumable", "part": "snippet,status"},
        data=json.dumps(metadata() if body is None else body).encode(),
        headers=sent,
        timeout=5,
    )


def put(url, data, content_range, **headers):
    # 308 here is "Resume Incomplete", not a redirect to follow.
    return requests.put(
        url, data=data, headers={"Content-Range": content_range, **headers}, timeout=5, allow_redirects=False
    )


def reason(response):
    body = response.json()["error"]
    assert body["code"] == response.status_code and body["message"]
    return body["errors"][0]["reason"]


@pytest.fixture
def session_url(emulator, token):
    response = start(emulator, token)
    assert response.status_code == 200
    return response.headers["Location"]


def held(emulator):
    [session] = emulator.sessions.values()
    return session.upload.committed


# --- start -----------------------------------------------------------------------------------
def test_start_without_upload_content_length_is_refused(emulator, token):
    response = start(emulator, token, headers={"X-Upload-Content-Length": None})
    assert response.status_code == 400 and reason(response) == "badRequest" and not emulator.sessions


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_start_body_that_is_not_json_is_refused(emulator, token, content_type):
    response = start(emulator, token, headers={"Content-Type": content_type})
    assert response.status_code == 400 and reason(response) == "badContent" and not emulator.sessions


def test_start_for_a_file_that_is_not_a_video_is_refused(emulator, token):
    response = start(emulator, token, headers={"X-Upload-Content-Type": "image/png"})
    assert response.status_code == 400 and "video/*" in response.json()["error"]["message"]


@pytest.mark.parametrize("privacy", ["friends", "followers", "PUBLIC"])
def test_start_with_a_privacy_youtube_does_not_have_is_refused(emulator, token, privacy):
    response = start(emulator, token, body=metadata(privacyStatus=privacy))
    assert response.status_code == 400 and reason(response) == "invalidValue" and not emulator.sessions


@pytest.mark.parametrize("snippet", [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 101}, {"title": "a <b>"}])
def test_start_without_a_valid_title_is_refused(emulator, token, snippet):
    response = start(emulator, token, body={"snippet": snippet, "status": {"privacyStatus": "public"}})
    assert response.status_code == 400 and reason(response) == "invalidTitle"


def test_start_without_part_is_refused(emulator, token):
    response = start(emulator, token, params={"uploadType": "resumable"})
    assert response.status_code == 400 and reason(response) == "required"


def test_start_without_a_token_is_unauthorized(emulator):
    response = start(emulator, "not-a-token")
    assert response.status_code == 401 and reason(response) == "authError"


def test_publish_at_needs_a_private_video(emulator, token):
    response = start(emulator, token, body=metadata(publishAt="2031-01-01T00:00:00Z"))
    assert response.status_code == 400 and reason(response) == "invalidPublishAt"


def test_start_answers_the_session_uri_in_location(emulator, token):
    response = start(emulator, token, body=metadata(privacyStatus="unlisted", selfDeclaredMadeForKids=False))
    assert response.status_code == 200 and "upload_id=" in response.headers["Location"]


# --- sending bytes ---------------------------------------------------------------------------
def test_chunks_other_than_the_last_must_be_multiples_of_256_kib(emulator, session_url):
    response = put(session_url, os.urandom(300_000), f"bytes 0-299999/{CHUNK * 2}")
    assert response.status_code == 400 and "256 KiB" in response.json()["error"]["message"]
    assert held(emulator) == 0


def test_a_chunk_that_skips_bytes_is_refused(emulator, session_url):
    response = put(session_url, os.urandom(CHUNK), f"bytes {CHUNK}-{2 * CHUNK - 1}/{2 * CHUNK}")
    assert response.status_code == 400 and "exceeds already uploaded size of 0" in response.json()["error"]["message"]
    assert held(emulator) == 0


def test_a_chunk_that_overlaps_held_bytes_is_refused(emulator, session_url):
    assert put(session_url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{2 * CHUNK}").status_code == 308
    response = put(session_url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{2 * CHUNK}")
    assert response.status_code == 400 and "already uploaded" in response.json()["error"]["message"]
    assert held(emulator) == CHUNK


def test_content_range_must_match_the_body_and_the_announced_size(emulator, session_url):
    assert put(session_url, os.urandom(CHUNK), f"bytes 0-{2 * CHUNK - 1}/{2 * CHUNK}").status_code == 400
    assert put(session_url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{3 * CHUNK}").status_code == 400
    assert put(session_url, os.urandom(CHUNK), "").status_code == 400
    assert held(emulator) == 0


def test_308_range_then_201_with_an_uploaded_video(emulator, session_url):
    first = put(session_url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{2 * CHUNK}")
    assert first.status_code == 308 and first.headers["Range"] == f"bytes=0-{CHUNK - 1}"

    last = put(session_url, os.urandom(CHUNK), f"bytes {CHUNK}-{2 * CHUNK - 1}/{2 * CHUNK}")

    assert last.status_code == 201
    video = last.json()
    assert video["status"]["uploadStatus"] == "uploaded" and video["status"]["privacyStatus"] == "public"


# --- status queries --------------------------------------------------------------------------
def test_status_query_before_any_byte_has_no_range(session_url):
    response = put(session_url, b"", f"bytes */{2 * CHUNK}")
    assert response.status_code == 308 and "Range" not in response.headers


def test_status_query_reports_the_held_range_and_finally_the_video(emulator, session_url):
    put(session_url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{2 * CHUNK}")
    assert put(session_url, b"", f"bytes */{2 * CHUNK}").headers["Range"] == f"bytes=0-{CHUNK - 1}"
    put(session_url, os.urandom(CHUNK), f"bytes {CHUNK}-{2 * CHUNK - 1}/{2 * CHUNK}")

    done = put(session_url, b"", f"bytes */{2 * CHUNK}")

    assert done.status_code == 200 and done.json()["id"] in emulator.videos and len(emulator.videos) == 1


def test_status_query_with_a_body_or_another_total_is_refused(session_url):
    assert put(session_url, b"abc", f"bytes */{2 * CHUNK}").status_code == 400
    assert put(session_url, b"", f"bytes */{3 * CHUNK}").status_code == 400


@pytest.mark.parametrize("status", [404, 410])
def test_expired_session_answers_404_or_410(emulator, session_url, status):
    emulator.expire_sessions(status=status)
    response = put(session_url, b"", f"bytes */{2 * CHUNK}")
    assert response.status_code == status and reason(response) == "notFound"


def test_a_relocated_session_answers_only_at_its_new_uri():
    with YouTubeEmulator(relocate=True) as emulator:
        url = start(emulator, token_for(emulator)).headers["Location"]
        moved = put(url, os.urandom(CHUNK), f"bytes 0-{CHUNK - 1}/{2 * CHUNK}")
        assert moved.status_code == 308 and moved.headers["Location"] != url
        assert put(url, b"", f"bytes */{2 * CHUNK}").status_code == 404
        assert put(moved.headers["Location"], b"", f"bytes */{2 * CHUNK}").status_code == 308


def token_for(emulator):
    return emulator.issue_tokens()[0]


def test_video_reads_processed_only_after_processing():
    with YouTubeEmulator(processing_seconds=60) as emulator:
        access = token_for(emulator)
        url = start(emulator, access, size=1000).headers["Location"]
        video_id = put(url, os.urandom(1000), "bytes 0-999/1000").json()["id"]
        listed = requests.get(
            f"{emulator.base_url}/youtube/v3/videos",
            params={"part": "status", "id": video_id},
            headers={"Authorization": f"Bearer {access}"},
            timeout=5,
        )
        assert listed.json()["items"][0]["status"]["uploadStatus"] == "uploaded"
        emulator.finish_processing()
        listed = requests.get(
            f"{emulator.base_url}/youtube/v3/videos",
            params={"part": "status", "id": video_id},
            headers={"Authorization": f"Bearer {access}"},
            timeout=5,
        )
        assert listed.json()["items"][0]["status"]["uploadStatus"] == "processed"


# --- commentThreads.insert -------------------------------------------------------------------
@pytest.fixture
def video_id(emulator, token):
    url = start(emulator, token, size=1000).headers["Location"]
    return put(url, os.urandom(1000), "bytes 0-999/1000").json()["id"]


def comment(emulator, token, body, *, params=None, content_type=JSON_UTF8):
    return requests.post(
        f"{emulator.base_url}/youtube/v3/commentThreads",
        params={"part": "snippet"} if params is None else params,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        timeout=5,
    )


def thread(video_id, text):
    return {"snippet": {"videoId": video_id, "topLevelComment": {"snippet": {"textOriginal": text}}}}


def test_comment_is_stored_on_the_video(emulator, token, video_id):
    response = comment(emulator, token, thread(video_id, "First!"))
    assert response.status_code == 200
    assert emulator.comments[response.json()["id"]] == {"videoId": video_id, "text": "First!"}


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"snippet": {"topLevelComment": {"snippet": {"textOriginal": "hi"}}}}, 400, "channelOrVideoIdMissing"),
        ("EMPTY_TEXT", 400, "commentTextRequired"),
        ("UNKNOWN_VIDEO", 404, "videoNotFound"),
    ],
)
def test_comment_needs_a_video_and_text(emulator, token, video_id, body, status, expected):
    if body == "EMPTY_TEXT":
        body = thread(video_id, "  ")
    elif body == "UNKNOWN_VIDEO":
        body = thread("nope", "hi")
    response = comment(emulator, token, body)
    assert response.status_code == status and reason(response) == expected and not emulator.comments


def test_comment_needs_part_snippet_and_json(emulator, token, video_id):
    assert comment(emulator, token, thread(video_id, "hi"), params={}).status_code == 400
    assert comment(emulator, token, thread(video_id, "hi"), content_type="text/plain").status_code == 400
    assert not emulator.comments


def test_comment_needs_the_force_ssl_scope(emulator, token, video_id):
    emulator.tokens_without_comment_scope.add(token)
    response = comment(emulator, token, thread(video_id, "hi"))
    assert response.status_code == 403 and reason(response) == "insufficientPermissions"


def test_comment_with_a_bad_token_is_unauthorized(emulator, video_id):
    assert comment(emulator, "nope", thread(video_id, "hi")).status_code == 401
