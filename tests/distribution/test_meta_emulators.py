"""The Facebook and Instagram emulators refuse what the Graph API refuses: raw HTTP, no adapter.

Sources: Meta's Reels publishing guide (video_reels start/finish, rupload with `offset` and
`file_size`, `bytes_transfered`, video_state), what rupload answers in the field
(ParameterValidationError, 206 PartialRequestError), the Instagram content publishing guide and
the IG Container / IG Media / IG User references (REELS containers, documented fields only,
status_code, media_publish, content_publishing_limit, the media edge, comments).
"""

import functools
import os
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from distribution.emulators import FacebookEmulator, InstagramEmulator
from distribution.emulators.graph import GRAPH_PREFIX


def graph_error(response, status=400):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["type"] == "OAuthException" and error["message"] and "fbtrace_id" in error
    return error


# --- Facebook ------------------------------------------------------------------------------------
@pytest.fixture
def facebook():
    with FacebookEmulator() as emulator:
        yield emulator


@pytest.fixture
def page_token(facebook):
    return facebook.issue_tokens()[0]


def fb_graph(facebook, method, path, token, **kwargs):
    return requests.request(
        method, f"{facebook.base_url}{GRAPH_PREFIX}/{path}", headers={"Authorization": f"OAuth {token}"}, timeout=5,
        **kwargs,
    )  # fmt: skip


@pytest.fixture
def video_id(facebook, page_token):
    answer = fb_graph(facebook, "POST", "1234/video_reels", page_token, data={"upload_phase": "start"})
    assert answer.status_code == 200 and answer.json()["upload_url"].endswith(answer.json()["video_id"])
    return answer.json()["video_id"]


def rupload(facebook, video_id, token, body, **headers):
    sent = {"Authorization": f"OAuth {token}", **headers}
    return requests.post(f"{facebook.base_url}/video-upload/v24.0/{video_id}", data=body, headers=sent, timeout=5)


def debug_info(response, status):
    assert response.status_code == status, response.text
    info = response.json()["debug_info"]
    assert set(info) == {"retriable", "type", "message"}
    return info


def held(facebook, video_id):
    upload = facebook.reels[video_id].upload
    return upload.committed if upload else 0


DATA = os.urandom(5000)


def test_rupload_takes_the_whole_file_in_one_request(facebook, video_id, page_token):
    answer = rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    assert answer.status_code == 200 and answer.json() == {"success": True}
    assert facebook.reels[video_id].upload.complete


@pytest.mark.parametrize("missing", ["offset", "file_size"])
def test_rupload_without_offset_or_file_size_is_refused(facebook, video_id, page_token, missing):
    headers = {"offset": "0", "file_size": str(len(DATA))}
    headers.pop(missing)
    info = debug_info(rupload(facebook, video_id, page_token, DATA, **headers), 400)
    assert info["type"] == "ParameterValidationError" and missing in info["message"]
    assert held(facebook, video_id) == 0


def test_rupload_with_an_offset_other_than_what_it_holds_is_refused(facebook, video_id, page_token):
    size = str(len(DATA))
    assert rupload(facebook, video_id, page_token, DATA[:2000], offset="0", file_size=size).status_code == 206
    ahead = rupload(facebook, video_id, page_token, DATA[2500:], offset="2500", file_size=size)
    behind = rupload(facebook, video_id, page_token, DATA, offset="0", file_size=size)
    for answer in (ahead, behind):
        info = debug_info(answer, 400)
        assert info["type"] == "ParameterValidationError" and "bytes_transfered" in info["message"]
    assert held(facebook, video_id) == 2000


def test_rupload_with_a_short_body_is_a_partial_request_error(facebook, video_id, page_token):
    info = debug_info(rupload(facebook, video_id, page_token, DATA[:1000], offset="0", file_size=str(len(DATA))), 206)
    assert info == {
        "retriable": True,
        "type": "PartialRequestError",
        "message": "Partial request (did not match length of file)",
    }
    status = fb_graph(facebook, "GET", video_id, page_token, params={"fields": "status"}).json()["status"]
    assert status["uploading_phase"] == {"status": "in_progress", "bytes_transfered": 1000}


def test_rupload_with_a_changed_file_size_or_a_long_body_is_refused(facebook, video_id, page_token):
    rupload(facebook, video_id, page_token, DATA[:1000], offset="0", file_size=str(len(DATA)))
    assert debug_info(rupload(facebook, video_id, page_token, DATA[1000:], offset="1000", file_size="9999"), 400)
    assert debug_info(
        rupload(facebook, video_id, page_token, DATA + b"x", offset="1000", file_size=str(len(DATA))), 400
    )
    assert held(facebook, video_id) == 1000


def test_rupload_with_a_wrong_token_is_refused(facebook, video_id):
    error = graph_error(rupload(facebook, video_id, "nope", DATA, offset="0", file_size=str(len(DATA))))
    assert error["code"] == 190 and held(facebook, video_id) == 0


def test_rupload_to_an_expired_session_is_refused(facebook, video_id, page_token):
    facebook.expire_uploads()
    info = debug_info(rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA))), 400)
    assert not info["retriable"]
    status = fb_graph(facebook, "GET", video_id, page_token, params={"fields": "status"}).json()["status"]
    assert status["video_status"] == "expired"


def finish(facebook, token, video_id, **form):
    fields = {"upload_phase": "finish", "video_id": video_id, "video_state": "PUBLISHED", "description": "d", **form}
    return fb_graph(facebook, "POST", "1234/video_reels", token, data=fields)


def test_finish_before_every_byte_arrived_is_refused(facebook, video_id, page_token):
    rupload(facebook, video_id, page_token, DATA[:1000], offset="0", file_size=str(len(DATA)))
    error = graph_error(finish(facebook, page_token, video_id))
    assert error["code"] == 6000 and not facebook.published()


@pytest.mark.parametrize("state", ["LIVE", "published", ""])
def test_finish_with_an_unknown_video_state_is_refused(facebook, video_id, page_token, state):
    rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    error = graph_error(finish(facebook, page_token, video_id, video_state=state))
    assert error["code"] == 100 and "video_state" in error["message"] and not facebook.published()


def test_scheduled_finish_needs_a_future_time(facebook, video_id, page_token):
    rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    assert graph_error(finish(facebook, page_token, video_id, video_state="SCHEDULED"))["code"] == 100
    past = str(int(time.time()) - 60)
    assert graph_error(finish(facebook, page_token, video_id, video_state="SCHEDULED", scheduled_publish_time=past))
    future = str(int(time.time()) + 3600)
    assert finish(facebook, page_token, video_id, video_state="SCHEDULED", scheduled_publish_time=future).ok


def test_finish_with_a_wrong_token_or_unknown_phase_is_refused(facebook, video_id, page_token):
    rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    assert graph_error(finish(facebook, "nope", video_id))["code"] == 190
    bad_phase = fb_graph(facebook, "POST", "1234/video_reels", page_token, data={"upload_phase": "transfer"})
    assert graph_error(bad_phase)["code"] == 100
    assert graph_error(finish(facebook, page_token, "unknown"))["code"] == 100
    assert not facebook.published()


def test_reels_past_thirty_a_day_are_refused():
    with FacebookEmulator(reels_per_day=1) as facebook:
        token = facebook.issue_tokens()[0]
        for expected in (200, 400):
            video = fb_graph(facebook, "POST", "1234/video_reels", token, data={"upload_phase": "start"}).json()
            rupload(facebook, video["video_id"], token, DATA, offset="0", file_size=str(len(DATA)))
            answer = finish(facebook, token, video["video_id"])
            assert answer.status_code == expected
        assert graph_error(answer)["code"] == 80002 and len(facebook.published()) == 1


def test_video_status_answers_documented_fields_only(facebook, video_id, page_token):
    error = graph_error(fb_graph(facebook, "GET", video_id, page_token, params={"fields": "status,bytes_uploaded"}))
    assert error["code"] == 100 and "nonexisting field (bytes_uploaded)" in error["message"]


def test_comment_on_a_published_reel(facebook, video_id, page_token):
    rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    finish(facebook, page_token, video_id)
    answer = fb_graph(facebook, "POST", f"{video_id}/comments", page_token, data={"message": "Link in bio"})
    assert answer.status_code == 200 and facebook.reels[video_id].comments[0]["message"] == "Link in bio"


def test_comment_needs_a_message_a_published_video_and_the_permission(facebook, video_id, page_token):
    on_unpublished = fb_graph(facebook, "POST", f"{video_id}/comments", page_token, data={"message": "hi"})
    assert graph_error(on_unpublished)["code"] == 100
    rupload(facebook, video_id, page_token, DATA, offset="0", file_size=str(len(DATA)))
    finish(facebook, page_token, video_id)
    assert graph_error(fb_graph(facebook, "POST", f"{video_id}/comments", page_token, data={}))["code"] == 100
    facebook.tokens_without[page_token] = {"pages_manage_engagement"}
    no_permission = fb_graph(facebook, "POST", f"{video_id}/comments", page_token, data={"message": "hi"})
    assert graph_error(no_permission)["code"] == 200
    assert (
        graph_error(fb_graph(facebook, "POST", f"{video_id}/comments", "nope", data={"message": "hi"}))["code"] == 190
    )
    assert not facebook.reels[video_id].comments


# --- Instagram -----------------------------------------------------------------------------------
class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        return


@pytest.fixture
def video_url(tmp_path):
    (tmp_path / "reel.mp4").write_bytes(DATA)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/reel.mp4"
    server.shutdown()
    server.server_close()


@pytest.fixture
def instagram():
    with InstagramEmulator() as emulator:
        yield emulator


@pytest.fixture
def ig_token(instagram):
    return instagram.issue_tokens()[0]


def ig(instagram, method, path, token, **kwargs):
    return requests.request(
        method, f"{instagram.base_url}{GRAPH_PREFIX}/{path}", headers={"Authorization": f"OAuth {token}"}, timeout=5,
        **kwargs,
    )  # fmt: skip


def create(instagram, token, url, **form):
    fields = {"media_type": "REELS", "video_url": url, "caption": "New #reel", **form}
    return ig(instagram, "POST", "1789/media", token, data={k: v for k, v in fields.items() if v is not None})


def wait_finished(instagram, token, container_id):
    for _ in range(200):
        code = ig(instagram, "GET", container_id, token, params={"fields": "status_code"}).json()["status_code"]
        if code != "IN_PROGRESS":
            return code
        time.sleep(0.01)
    raise AssertionError("the container never finished")


@pytest.fixture
def finished(instagram, ig_token, video_url):
    container_id = create(instagram, ig_token, video_url).json()["id"]
    assert wait_finished(instagram, ig_token, container_id) == "FINISHED"
    return container_id


def publish(instagram, token, container_id):
    return ig(instagram, "POST", "1789/media_publish", token, data={"creation_id": container_id})


@pytest.mark.parametrize(
    "form",
    [
        {"media_type": None},
        {"media_type": "VIDEO"},
        {"video_url": None},
        {"video_url": "file:///etc/passwd"},
        {"caption": "x" * 2201},
        {"caption": " ".join(f"#tag{n}" for n in range(31))},
        {"caption": " ".join(f"@user{n}" for n in range(21))},
    ],
)
def test_container_needs_reels_a_public_video_url_and_caption_within_limits(instagram, ig_token, video_url, form):
    assert graph_error(create(instagram, ig_token, video_url, **form))["code"] == 100
    assert not instagram.containers


def test_container_answers_documented_fields_only(instagram, ig_token, finished):
    error = graph_error(ig(instagram, "GET", finished, ig_token, params={"fields": "status_code,media_id"}))
    assert error["code"] == 100 and "Tried accessing nonexisting field (media_id)" in error["message"]
    body = ig(instagram, "GET", finished, ig_token, params={"fields": "id,status,status_code"}).json()
    assert body["status_code"] == "FINISHED" and set(body) == {"id", "status", "status_code"}


def test_publishing_a_container_that_is_not_finished_is_refused(video_url):
    with InstagramEmulator(processing_seconds=60) as instagram:
        token = instagram.issue_tokens()[0]
        container_id = create(instagram, token, video_url).json()["id"]
        error = graph_error(publish(instagram, token, container_id))
        assert (error["code"], error["error_subcode"]) == (9007, 2207027) and not instagram.media


def test_publishing_the_same_container_twice_is_refused(instagram, ig_token, finished):
    first = publish(instagram, ig_token, finished)
    assert first.status_code == 200 and first.json()["id"] in instagram.media
    assert graph_error(publish(instagram, ig_token, finished))["code"] == 100
    assert len(instagram.media) == 1
    assert (
        ig(instagram, "GET", finished, ig_token, params={"fields": "status_code"}).json()["status_code"] == "PUBLISHED"
    )


def test_publishing_an_expired_or_unknown_container_is_refused(instagram, ig_token, finished):
    instagram.expire_containers()
    assert graph_error(publish(instagram, ig_token, finished))["code"] == 100
    assert graph_error(publish(instagram, ig_token, "12345"))["code"] == 100
    assert graph_error(ig(instagram, "POST", "1789/media_publish", ig_token, data={}))["code"] == 100
    assert not instagram.media


def test_posts_past_the_publishing_limit_are_refused(video_url):
    with InstagramEmulator(quota_total=1) as instagram:
        token = instagram.issue_tokens()[0]
        containers = [create(instagram, token, video_url).json()["id"] for _ in range(2)]
        for container_id in containers:
            wait_finished(instagram, token, container_id)
        assert publish(instagram, token, containers[0]).status_code == 200
        error = graph_error(publish(instagram, token, containers[1]))
        assert (error["code"], error["error_subcode"]) == (9, 2207042) and len(instagram.media) == 1
        limit = ig(instagram, "GET", "1789/content_publishing_limit", token, params={"fields": "quota_usage,config"})
        assert limit.json()["data"][0] == {"quota_usage": 1, "config": {"quota_total": 1, "quota_duration": 86400}}


def test_wrong_token_is_error_190(instagram, video_url):
    assert graph_error(create(instagram, "nope", video_url))["code"] == 190 and not instagram.containers


def test_media_edge_lists_posts_newest_first_with_documented_fields(instagram, ig_token, video_url):
    ids = []
    for n in range(3):
        container_id = create(instagram, ig_token, video_url, caption=f"post {n}").json()["id"]
        wait_finished(instagram, ig_token, container_id)
        ids.append(publish(instagram, ig_token, container_id).json()["id"])
        time.sleep(0.01)
    page = ig(instagram, "GET", "1789/media", ig_token, params={"fields": "id,caption,timestamp", "limit": 2}).json()
    assert [media["id"] for media in page["data"]] == ids[:0:-1]
    assert page["data"][0]["caption"] == "post 2" and page["data"][0]["timestamp"].endswith("+0000")
    rest = ig(
        instagram, "GET", "1789/media", ig_token, params={"fields": "id", "after": page["paging"]["cursors"]["after"]}
    )
    assert [media["id"] for media in rest.json()["data"]] == ids[:1]
    error = graph_error(ig(instagram, "GET", "1789/media", ig_token, params={"fields": "id,status_code"}))
    assert "nonexisting field (status_code)" in error["message"]


def test_comment_on_a_post(instagram, ig_token, finished):
    media_id = publish(instagram, ig_token, finished).json()["id"]
    answer = ig(instagram, "POST", f"{media_id}/comments", ig_token, data={"message": "Link in bio"})
    assert answer.status_code == 200 and instagram.media[media_id].comments[0]["message"] == "Link in bio"


def test_comment_needs_a_post_a_message_and_the_permission(instagram, ig_token, finished):
    assert graph_error(ig(instagram, "POST", f"{finished}/comments", ig_token, data={"message": "hi"}))["code"] == 100
    media_id = publish(instagram, ig_token, finished).json()["id"]
    assert graph_error(ig(instagram, "POST", f"{media_id}/comments", ig_token, data={"message": " "}))["code"] == 100
    instagram.tokens_without[ig_token] = {"instagram_manage_comments"}
    assert graph_error(ig(instagram, "POST", f"{media_id}/comments", ig_token, data={"message": "hi"}))["code"] == 200
    assert not instagram.media[media_id].comments
