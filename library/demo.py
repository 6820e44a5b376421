"""Demo media for `make run`: clips, stills, product cards and music made locally with ffmpeg.

Nothing is downloaded: every file comes from ffmpeg's lavfi sources (gradients, mandelbrot, life,
aevalsrc) with titles in the bundled Roboto. The set is made for the demo campaign (hot clips tagged
"trending", product cards tagged "product", "upbeat" tracks: 5 x 3 x 2 = 30 distinct mixes) and
for the studio's demo topics (tags such as coffee, beans, morning, cup, kitchen, plants, city, ocean),
so generated videos find matching visuals. Small portrait files, encoded ultrafast, two at a time.
"""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from accounts.models import User
from common.errors import ConflictError
from library import services
from library.models import MediaAsset, MediaSource
from library.probe import ffmpeg_binary
from production.rendering.fonts import font_file

DEMO_TAG = "demo"
CLIP_SIZE, STILL_SIZE, FPS = (540, 960), (720, 1280), 24
_ENCODE = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "24", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
_SILENCE = ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo"]
_UPSCALE = f"scale={CLIP_SIZE[0]}:{CLIP_SIZE[1]}:flags=bicubic"


@dataclass(frozen=True)
class DemoFile:
    name: str
    kind: str
    title: str
    tags: tuple[str, ...]
    category: str
    mood: str
    description: str
    args: tuple[str, ...]  # ffmpeg arguments between the global options and the output path


def _text(text: str, *, size: int, y: str, bold: bool = True, color: str = "white", extra: str = "") -> str:
    """A centred drawtext in the bundled Roboto with a soft shadow (text without quotes or colons)."""
    return (
        f"drawtext=fontfile='{font_file(bold=bold)}':text='{text}':fontsize={size}:fontcolor={color}"
        f":x=(w-text_w)/2:y={y}:shadowcolor=black@0.45:shadowx=2:shadowy=3{extra}"
    )


def _label(title: str, subtitle: str) -> str:
    """No text in the picture: the videos made from these carry their own title and word captions, which
    a baked-in label would collide with (the title and subtitle name the asset in the library instead)."""
    return "null"


def _gradients(colors: list[str], *, kind: str, speed: float, seed: int) -> str:
    """A slow gradient at half size (it is smooth, so scaling it up loses nothing and is 4x quicker)."""
    w, h = CLIP_SIZE
    cs = ":".join(f"c{i}=0x{c}" for i, c in enumerate(colors))
    return f"gradients=s={w // 2}x{h // 2}:r={FPS}:{cs}:nb_colors={len(colors)}:speed={speed}:type={kind}:seed={seed}"


def _clip(source: str, seconds: float, vf: str) -> tuple[str, ...]:
    return ("-f", "lavfi", "-i", source, *_SILENCE, "-t", str(seconds), "-vf", vf, *_ENCODE, "-c:a", "aac",
            "-shortest")  # fmt: skip


def _gradient_clip(colors: list[str], *, kind: str, speed: float, seed: int, title: str, subtitle: str) -> tuple:
    source = _gradients(colors, kind=kind, speed=speed, seed=seed)
    return _clip(source, 6, f"{_UPSCALE},vignette=PI/5,{_label(title, subtitle)}")


def _still(colors: list[str], *, kind: str, seed: int, art: str, title: str, subtitle: str) -> tuple[str, ...]:
    """One warm, grainy frame: a gradient, a simple drawn motif, a vignette and a title."""
    w, h = STILL_SIZE
    cs = ":".join(f"c{i}=0x{c}" for i, c in enumerate(colors))
    source = f"gradients=s={w}x{h}:{cs}:nb_colors={len(colors)}:type={kind}:seed={seed}"
    vf = ",".join(filter(None, [art, "noise=alls=10:allf=u", "vignette=PI/4.5", _label(title, subtitle)]))
    return ("-f", "lavfi", "-i", source, "-vf", vf, "-frames:v", "1", "-q:v", "3")


def _product(name: str, tagline: str, card: str, ink: str, colors: list[str], seed: int) -> tuple[str, ...]:
    """A product card that sways over a slow gradient (5 s)."""
    background = _gradients(colors, kind="radial", speed=0.02, seed=seed)
    card_graph = ",".join(
        [
            "format=rgba",
            f"drawbox=x=0:y=0:w=iw:h=ih:color=0x{ink}:t=10",
            f"drawbox=x=40:y=60:w=iw-80:h=170:color=0x{ink}@0.12:t=fill",
            _text("NEW", size=34, y="h*0.08", color=f"0x{ink}@0.7"),
            _text(name, size=46, y="h*0.40", color=f"0x{ink}", extra=":shadowcolor=black@0"),
            _text(tagline, size=26, y="h*0.52", bold=False, color=f"0x{ink}@0.85", extra=":shadowcolor=black@0"),
            f"drawbox=x=iw*0.3:y=ih*0.68:w=iw*0.4:h=64:color=0x{ink}:t=fill",
            _text("Shop now", size=30, y="h*0.68+16", color=f"0x{card}", extra=":shadowcolor=black@0"),
            "rotate=a='0.16*sin(2*PI*t/2.5)':ow='hypot(iw,ih)':oh=ow:c=black@0",
        ]
    )
    graph = (
        f"[0:v]{_UPSCALE},vignette=PI/5[bg];[1:v]{card_graph}[card];"
        "[bg][card]overlay=x=(W-w)/2:y=(H-h)/2:shortest=1:eval=frame,format=yuv420p[v]"
    )
    return ("-f", "lavfi", "-i", background, "-f", "lavfi", "-i", f"color=c=0x{card}:s=400x560:r={FPS}",
            *_SILENCE, "-t", "5", "-filter_complex", graph, "-map", "[v]", "-map", "2:a", *_ENCODE,
            "-c:a", "aac", "-shortest")  # fmt: skip


def _music(expr: str, seconds: int = 12) -> tuple[str, ...]:
    fade = f"afade=t=in:d=0.3,afade=t=out:st={seconds - 1.5}:d=1.5,volume=0.8"
    return ("-f", "lavfi", "-i", f"aevalsrc='{expr}':s=44100:d={seconds}", "-af", fade, "-ac", "2", "-c:a", "aac",
            "-b:a", "128k")  # fmt: skip


def _groove(bpm: int, root: float, steps: tuple[int, int, int, int]) -> str:
    """Kick on the beat, off-beat hats, a plucked four-note arpeggio on eighths: a cheerful loop."""
    beat = 60 / bpm
    b, e = f"mod(t,{beat})", f"mod(t,{beat / 2})"
    n = f"trunc(mod(t/{beat / 2},4))"
    semis = f"({steps[0]}*eq({n},0)+{steps[1]}*eq({n},1)+{steps[2]}*eq({n},2)+{steps[3]}*eq({n},3))"
    kick = f"0.7*sin(2*PI*(50*{b}+9*(1-exp(-{b}*25))))*exp(-{b}*9)"
    hat = f"0.12*(random(0)*2-1)*exp(-mod(t+{beat / 2},{beat})*45)"
    pluck = f"0.22*sin(2*PI*{root}*pow(2,{semis}/12)*t)*exp(-{e}*7)"
    bass = f"0.18*sin(2*PI*{root / 2}*t)*(0.6+0.4*sin(2*PI*t/{beat * 4}))"
    return f"{kick}+{hat}+{pluck}+{bass}"


_CALM = (
    "0.18*sin(2*PI*196*t)*(0.6+0.4*sin(2*PI*t/6))+0.14*sin(2*PI*246.9*t)+0.12*sin(2*PI*293.7*t)*(0.5+0.5*sin(2*PI*t/4))"
)
# A simple cup on a saucer with steam, drawn with boxes (on a 720x1280 still).
_CUP = ",".join(
    [
        "drawbox=x=170:y=600:w=380:h=26:color=0xf4ead8:t=fill",  # saucer
        "drawbox=x=230:y=380:w=260:h=225:color=0xf8f1e4:t=fill",  # cup
        "drawbox=x=250:y=392:w=220:h=26:color=0x4a2c1a:t=fill",  # coffee
        "drawbox=x=485:y=430:w=70:h=110:color=0xf8f1e4:t=18",  # handle
        "drawbox=x=300:y=250:w=14:h=100:color=white@0.35:t=fill",  # steam
        "drawbox=x=355:y=220:w=14:h=130:color=white@0.28:t=fill",
        "drawbox=x=410:y=260:w=14:h=90:color=white@0.35:t=fill",
    ]
)
# Beans: dark rounded boxes with a lighter seam, scattered.
_BEANS = ",".join(
    f"drawbox=x={x}:y={y}:w=70:h=46:color=0x3b2314:t=fill,drawbox=x={x + 8}:y={y + 21}:w=54:h=5:color=0x7a4a2a:t=fill"
    for x, y in [(120, 260), (260, 190), (420, 280), (540, 200), (180, 420), (340, 380), (500, 450), (90, 560),
                 (260, 560), (430, 610), (580, 560), (160, 700), (360, 730), (540, 720)]
)  # fmt: skip
# Leaves: green boxes of a pot plant.
_PLANT = ",".join(
    [
        "drawbox=x=270:y=640:w=180:h=170:color=0xc46a3c:t=fill",
        "drawbox=x=255:y=630:w=210:h=30:color=0xd9824f:t=fill",
        "drawbox=x=355:y=380:w=10:h=260:color=0x2d6a4f:t=fill",
        "drawbox=x=250:y=420:w=110:h=44:color=0x52b788:t=fill",
        "drawbox=x=365:y=470:w=120:h=44:color=0x40916c:t=fill",
        "drawbox=x=240:y=530:w=120:h=40:color=0x40916c:t=fill",
        "drawbox=x=365:y=360:w=100:h=40:color=0x74c69d:t=fill",
        "drawbox=x=370:y=570:w=100:h=36:color=0x52b788:t=fill",
    ]
)
_W, _H = CLIP_SIZE
_MANDELBROT = (
    f"mandelbrot=s={_W // 3}x{_H // 3}:r={FPS // 2}:maxiter=150:start_x=-0.743643887:start_y=0.131825904"
    ":start_scale=2.5:end_scale=0.03"
    f":end_pts={6 * FPS // 2}:outer=normalized_iteration_count:inner=black"
)
_LIFE = (
    f"life=s={_W // 6}x{_H // 6}:r={FPS // 2}:ratio=0.3:mold=12:seed=7"
    ":life_color=0xb7e4c7:death_color=0x081c15:mold_color=0x2d6a4f"
)

DEMO_MEDIA = [
    # Trending clips (the campaign's "hot" slot) that also carry the studio topics' tags.
    DemoFile("sunrise_glow.mp4", "hot_video", "Sunrise glow", ("trending", "morning", "sunrise", "sky", "routine"),
             "lifestyle", "warm", "Warm morning colours drifting slowly.",
             _gradient_clip(["ff7e5f", "feb47b", "ffd194", "6a3093"], kind="radial", speed=0.03, seed=3,
                            title="Good morning", subtitle="slow mornings, warm light")),
    DemoFile("coffee_swirl.mp4", "hot_video", "Coffee swirl", ("trending", "coffee", "cup", "brewing", "crema"),
             "food", "cozy", "Espresso and crema swirling together.",
             _gradient_clip(["2b1609", "6f4e37", "c8a27a", "f1e3d3"], kind="spiral", speed=0.025, seed=11,
                            title="Fresh brew", subtitle="swirl, sip, repeat")),
    DemoFile("ocean_drift.mp4", "hot_video", "Ocean drift", ("trending", "ocean", "sea", "waves", "beach"),
             "travel", "calm", "Blue and teal tides drifting across the frame.",
             _gradient_clip(["0f2027", "2c5364", "00c9ff", "92fe9d"], kind="linear", speed=0.03, seed=5,
                            title="Ocean drift", subtitle="breathe in, breathe out")),
    DemoFile("city_lights.mp4", "hot_video", "City lights", ("trending", "city", "night", "lights", "urban"),
             "travel", "energetic", "A fractal zoom like a city glowing at night.",
             _clip(_MANDELBROT, 6, f"{_UPSCALE},fps={FPS},vignette=PI/5,"
                                   f"{_label('City lights', 'the night is young')}")),
    DemoFile("garden_life.mp4", "hot_video", "Garden life", ("trending", "plants", "garden", "green", "nature"),
             "lifestyle", "fresh", "Green cells growing like moss and leaves.",
             _clip(_LIFE, 6, f"scale={_W}:{_H}:flags=neighbor,gblur=sigma=2,fps={FPS},vignette=PI/5,"
                             f"{_label('Garden life', 'grow something green')}")),
    # Products (the campaign's "product" slot).
    DemoFile("product_daybreak_roast.mp4", "product", "Daybreak Roast beans", ("product", "coffee", "beans", "roast"),
             "shop", "", "Product card: Daybreak Roast whole coffee beans.",
             _product("Daybreak Roast", "whole beans, medium roast", "f5e6d3", "3b2314",
                      ["1a0f08", "6f4e37", "d4a373"], 21)),
    DemoFile("product_pour_over.mp4", "product", "Ceramic pour-over cup", ("product", "cup", "kitchen", "brewing"),
             "shop", "", "Product card: a ceramic pour-over cup for home brewing.",
             _product("Pour-Over Cup", "ceramic, brews in 3 minutes", "fdf0d5", "7a3e1d",
                      ["003049", "669bbc", "fdf0d5"], 22)),
    DemoFile("product_herb_planter.mp4", "product", "Window herb planter", ("product", "plants", "kitchen", "home"),
             "shop", "", "Product card: a window herb planter for the kitchen.",
             _product("Herb Planter", "basil, mint and thyme", "e9f5db", "1b4332",
                      ["081c15", "40916c", "d8f3dc"], 23)),
    # An intro template for the creator's own videos.
    DemoFile("intro_card.mp4", "template", "ReelMill intro card", ("intro", "brand"), "template", "",
             "Brand intro: a gradient with the ReelMill name.",
             _clip(f"gradients=s={_W}x{_H}:r={FPS}:c0=0x5b3df5:c1=0xff4d8d:c2=0xffb347:nb_colors=3:speed=0.04",
                   4, "vignette=PI/5," + _text("ReelMill", size=96, y="h*0.42")
                   + "," + _text("your story starts here", size=36, y="h*0.52", bold=False))),
    # Stills for the studio's scenes.
    DemoFile("coffee_beans.jpg", "image", "Fresh coffee beans", ("coffee", "beans", "roast", "grind"), "food", "warm",
             "Roasted coffee beans on a warm background.",
             _still(["f1e3d3", "d4a373", "a0703f"], kind="radial", seed=1, art=_BEANS,
                    title="Fresh coffee beans", subtitle="roasted this week")),
    DemoFile("morning_cup.jpg", "image", "Morning cup of coffee", ("coffee", "cup", "morning", "routine"), "food",
             "cozy", "A steaming cup of coffee on a saucer at sunrise.",
             _still(["ffd194", "e09f5a", "6f4e37"], kind="linear", seed=2, art=_CUP,
                    title="Morning cup", subtitle="the first sip of the day")),
    DemoFile("kitchen_brew.jpg", "image", "Brewing in the kitchen", ("kitchen", "brewing", "home", "coffee", "water"),
             "food", "cozy", "A home kitchen brew station in soft light.",
             _still(["f1e3d3", "c8a27a", "5c3d2e"], kind="radial", seed=4, art=_CUP.replace("0x4a2c1a", "0x2b1609"),
                    title="Home brewing", subtitle="kettle on, beans ground")),
    DemoFile("window_plants.jpg", "image", "Plants by the window", ("plants", "green", "home", "morning"),
             "lifestyle", "fresh", "A potted plant in morning light.",
             _still(["d8f3dc", "95d5b2", "2d6a4f"], kind="linear", seed=6, art=_PLANT,
                    title="Plants by the window", subtitle="water, light, patience")),
    DemoFile("city_evening.jpg", "image", "City evening", ("city", "night", "lights", "commute"), "travel", "",
             "City colours after sunset.",
             _still(["ff4d8d", "5b3df5", "0b0c2a"], kind="linear", seed=8, art="",
                    title="City evening", subtitle="after work, before dinner")),
    DemoFile("ocean_morning.jpg", "image", "Ocean morning", ("ocean", "sea", "beach", "morning"), "travel", "calm",
             "The sea at sunrise.",
             _still(["ffd194", "7ec8e3", "0f4c75"], kind="linear", seed=9, art="",
                    title="Ocean morning", subtitle="salt air and sunrise")),
    # Music: two upbeat tracks for the campaign, one calm bed.
    DemoFile("sunny_groove.m4a", "audio", "Sunny groove", ("background", "music", "upbeat"), "upbeat", "energetic",
             "A cheerful 120 bpm loop.", _music(_groove(120, 523.25, (0, 4, 7, 12)))),
    DemoFile("bright_bounce.m4a", "audio", "Bright bounce", ("background", "music", "upbeat"), "upbeat", "happy",
             "A bouncy 128 bpm loop.", _music(_groove(128, 440.0, (0, 3, 7, 10)))),
    DemoFile("calm_tone.m4a", "audio", "Calm pad", ("background", "music", "calm"), "calm", "relaxed",
             "A soft, slowly breathing chord.", _music(_CALM)),
]  # fmt: skip


def _make(directory: Path, item: DemoFile) -> Path:
    path = directory / item.name
    subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-y", *item.args, str(path)], check=True, timeout=120, capture_output=True
    )
    return path


def demo_media_create(*, owner: User) -> int:
    """Generate and ingest the demo files once per owner; returns how many were added."""
    if MediaAsset.objects.filter(owner=owner, tag_index__contains=f"|{DEMO_TAG}|").exists():
        return 0
    added = 0
    with tempfile.TemporaryDirectory(prefix="reelmill-demo-") as directory:
        with ThreadPoolExecutor(max_workers=2) as pool:  # ffmpeg runs; the database stays on this thread
            paths = list(pool.map(lambda item: _make(Path(directory), item), DEMO_MEDIA))
        for item, path in zip(DEMO_MEDIA, paths, strict=True):
            try:
                services.media_asset_ingest(
                    owner=owner,
                    path=path,
                    kind=item.kind,
                    title=item.title,
                    description=item.description,
                    tags=[DEMO_TAG, *item.tags],
                    category=item.category,
                    mood=item.mood,
                    royalty_free=True,
                    license_note="Generated by ReelMill for the demo",
                    source=MediaSource.IMPORTED_FOLDER,
                )
                added += 1
            except ConflictError:
                continue
    return added
