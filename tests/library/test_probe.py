from library.probe import parse_ffmpeg_output

MP3_WITH_COVER = """Input #0, mp3, from 'song.mp3':
  Metadata:
    title           : Song
  Duration: 00:03:05.12, start: 0.025057, bitrate: 320 kb/s
  Stream #0:0: Audio: mp3 (mp3float), 44100 Hz, stereo, fltp, 320 kb/s
  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 500x500 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn (attached pic)
    Metadata:
      comment         : Cover (front)
Stream mapping:
  Stream #0:0 -> #0:0 (mp3 (mp3float) -> pcm_s16le (native))
"""  # noqa: E501

WEBM_60FPS = """Input #0, matroska,webm, from 'clip.webm':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 1200 kb/s
  Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv, bt709), 1920x1080, SAR 1:1 DAR 16:9, 59.94 fps, 59.94 tbr, 1k tbn (default)
  Stream #0:1(eng): Audio: opus, 48000 Hz, stereo, fltp (default)
"""  # noqa: E501


def test_cover_art_is_not_a_video_stream():
    result = parse_ffmpeg_output(MP3_WITH_COVER)
    assert (result.has_audio, result.has_video, result.audio_codec) == (True, False, "mp3")
    assert result.duration_seconds == 185.12
    assert result.width is None


def test_container_size_rate_and_long_durations():
    result = parse_ffmpeg_output(WEBM_60FPS)
    assert result.container == "matroska,webm"
    assert (result.width, result.height, result.fps) == (1920, 1080, 59.94)
    assert (result.video_codec, result.audio_codec) == ("vp9", "opus")
    assert result.duration_seconds == 3723.5
    assert not result.is_still_image
