"""The studio's offline engines: pure Python on top of child processes, no Django models.

    normalize   script text -> display tokens and the words a speaker says for each
    piper       voices on this machine: Piper (joe, a child process) and espeak-ng
    alignment   word timings: pocketsphinx forced alignment; ElevenLabs character timings
    subtitles   caption cues, SRT and WebVTT
    keywords    footage search terms (YAKE)
    audio       durations, 16 kHz PCM, WAV joins with exact chunk spans
    phonetics   a letter-to-phone guess for words the aligner's dictionary lacks
    errors      EngineError(message, permanent)

Import the module you need; this package imports none of them, so loading the error type
does not load the aligner or the keyword extractor.
"""
