// Studio: the scene editor's live estimate, voice samples, the speed slider, the word-lit player,
// the caption sample's colour and the scene visual pickers.
// No build step, no framework; the pages work without it (forms post, the audio plays).
(() => {
  const WORDS_PER_SECOND = 2.5; // the server's estimate (production/studio/types.py)

  // --- confirmations -----------------------------------------------------------------------
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // --- the scene editor ----------------------------------------------------------------------
  const countWords = (text) => {
    const trimmed = (text || "").trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  };

  function refreshEstimate(editor) {
    let total = 0;
    editor.querySelectorAll("[data-spoken]").forEach((field) => {
      const card = field.closest("[data-scene]");
      if (card && card.classList.contains("removed")) return;
      const words = countWords(field.value);
      total += words;
      const seconds = card && card.querySelector("[data-scene-seconds]");
      if (seconds) seconds.textContent = (words / WORDS_PER_SECOND).toFixed(1);
    });
    const totalSeconds = document.getElementById("total-seconds");
    const totalWords = document.getElementById("total-words");
    if (totalSeconds) totalSeconds.textContent = String(Math.round(total / WORDS_PER_SECOND));
    if (totalWords) totalWords.textContent = String(total);
  }

  function renumberScenes(editor) {
    let number = 0;
    editor.querySelectorAll("[data-scene]").forEach((card) => {
      const label = card.querySelector(".scene-number");
      if (card.classList.contains("removed")) {
        if (label) label.textContent = "Removed scene";
        return;
      }
      number += 1;
      if (label) label.textContent = `Scene ${number}`;
    });
  }

  function initEditor(editor) {
    if (!editor || editor.dataset.ready) return;
    editor.dataset.ready = "1";
    editor.addEventListener("input", (event) => {
      if (event.target.matches("[data-spoken]")) refreshEstimate(editor);
    });
    editor.addEventListener("change", (event) => {
      if (!event.target.matches("input[name$='-DELETE']")) return;
      event.target.closest("[data-scene]").classList.toggle("removed", event.target.checked);
      renumberScenes(editor);
      refreshEstimate(editor);
    });
    editor.addEventListener("click", (event) => {
      if (!event.target.closest("[data-add-scene]")) return;
      const total = editor.querySelector("input[name='scenes-TOTAL_FORMS']");
      const index = Number(total.value);
      const html = document.getElementById("scene-template").innerHTML.replaceAll("__prefix__", String(index));
      const list = document.getElementById("scene-list");
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      renumberScenes(editor);
      refreshEstimate(editor);
      list.lastElementChild.querySelector("textarea").focus();
    });
    editor.querySelectorAll("input[name$='-DELETE']:checked").forEach((box) => {
      box.closest("[data-scene]").classList.add("removed");
    });
    renumberScenes(editor);
    refreshEstimate(editor);
  }

  // --- speed -----------------------------------------------------------------------------------
  document.addEventListener("input", (event) => {
    if (!event.target.matches(".speed-field input[type=range]")) return;
    const output = event.target.closest(".speed-field").querySelector(".speed-value");
    if (output) output.textContent = `${Number(event.target.value).toFixed(2)}×`;
  });

  // --- voice samples -----------------------------------------------------------------------
  let sample = null;
  let sampleButton = null;

  function setPreviewState(button, state, label) {
    button.dataset.state = state;
    button.setAttribute("aria-busy", state === "loading" ? "true" : "false");
    const icons = { idle: "▶", loading: "", playing: "■", ready: "▶" };
    const labels = { idle: "Hear it", loading: "Loading…", playing: "Stop", ready: "Play" };
    button.querySelector(".preview-icon").textContent = icons[state];
    button.querySelector(".preview-label").textContent = label || labels[state];
    button.classList.toggle("loading", state === "loading");
  }

  function stopSample() {
    if (sample) sample.pause();
    if (sampleButton) setPreviewState(sampleButton, "idle");
    sample = null;
    sampleButton = null;
  }

  async function playSample(button) {
    const error = button.closest(".voice-option").querySelector(".preview-error");
    error.hidden = true;
    setPreviewState(button, "loading");
    try {
      if (!button.dataset.sample) {
        const token = button.form.querySelector("[name=csrfmiddlewaretoken]").value;
        const response = await fetch(button.dataset.preview, {
          method: "POST",
          headers: { "X-CSRFToken": token, "X-Studio-Preview": "1" },
          credentials: "same-origin",
        });
        if (!response.ok) {
          const text = response.status === 409 ? await response.text() : "";
          throw new Error(text || "No sample of this voice right now. Try again in a moment.");
        }
        button.dataset.sample = URL.createObjectURL(await response.blob());
      }
      sample = new Audio(button.dataset.sample);
      sampleButton = button;
      sample.addEventListener("ended", () => {
        if (sampleButton === button) stopSample();
      });
      setPreviewState(button, "playing");
      try {
        await sample.play();
      } catch {
        setPreviewState(button, "ready"); // the browser wants another click before it plays sound
      }
    } catch (failure) {
      setPreviewState(button, "idle");
      error.textContent = failure.message;
      error.hidden = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-preview]");
    if (!button) return;
    event.preventDefault();
    if (button.dataset.state === "loading") return;
    const wasPlaying = sampleButton === button && button.dataset.state === "playing";
    stopSample();
    if (!wasPlaying) playSample(button);
  });

  // --- the voice-over player: each word lights up while it is spoken ---------------------------
  function wordAt(words, time) {
    let low = 0;
    let high = words.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (time < words[middle].start) high = middle - 1;
      else if (time >= words[middle].end) low = middle + 1;
      else return middle;
    }
    return -1; // between words, or before the first / after the last
  }

  function initPlayer(player) {
    if (player.dataset.ready) return;
    player.dataset.ready = "1";
    const audio = player.querySelector("audio");
    const box = player.querySelector("[data-karaoke]");
    if (!audio || !box) return;
    const words = JSON.parse(document.getElementById(box.dataset.karaoke).textContent);
    const spans = Array.from(box.querySelectorAll(".word"));
    let current = -1;
    player.dataset.word = "-1";

    const show = () => {
      const index = wordAt(words, audio.currentTime);
      if (index === current) return;
      if (current >= 0 && spans[current]) spans[current].classList.remove("active");
      if (index >= 0 && spans[index]) {
        spans[index].classList.add("active");
        spans.forEach((span, n) => span.classList.toggle("spoken", n < index));
        const top = spans[index].offsetTop - box.offsetTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 30) box.scrollTop = top - 30;
      }
      current = index;
      player.dataset.word = String(index);
    };
    const follow = () => {
      show();
      if (!audio.paused && !audio.ended) requestAnimationFrame(follow);
    };
    audio.addEventListener("play", () => requestAnimationFrame(follow));
    audio.addEventListener("timeupdate", show);
    audio.addEventListener("seeked", show);
    audio.addEventListener("ended", () => {
      spans.forEach((span) => span.classList.remove("spoken", "active"));
      current = -1;
      player.dataset.word = "-1";
    });
    box.addEventListener("click", (event) => {
      const span = event.target.closest(".word");
      if (!span) return;
      const word = words[Number(span.dataset.index)];
      if (!word) return;
      audio.currentTime = word.start + 0.001;
      show();
      if (audio.paused) audio.play().catch(() => {});
    });

    // The library serves whole files (no byte ranges), which browsers will not seek in; a local
    // copy of the audio seeks anywhere. Until it arrives the page's own link plays as usual.
    fetch(audio.getAttribute("src"), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(String(response.status)))))
      .then((blob) => {
        if (!audio.paused || audio.currentTime > 0) return;
        audio.src = URL.createObjectURL(blob);
        audio.preload = "auto";
        player.dataset.seekable = "yes";
      })
      .catch(() => {});
  }

  // --- making a video: the karaoke sample takes the chosen highlight colour -------------------
  function showHighlight(input) {
    const form = input.closest("form");
    if (form && /^#[0-9a-f]{6}$/i.test(input.value)) form.style.setProperty("--highlight", input.value);
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches("input[name=highlight_color]")) showHighlight(event.target);
  });

  // --- swapping a scene's visual: one picker open at a time --------------------------------------
  document.addEventListener(
    "toggle",
    (event) => {
      const opened = event.target;
      if (!opened.matches || !opened.matches("details[data-swap]") || !opened.open) return;
      document.querySelectorAll("details[data-swap][open]").forEach((other) => {
        if (other !== opened) other.open = false;
      });
    },
    true, // toggle does not bubble
  );

  function init(root) {
    const scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-player]").forEach(initPlayer);
    if (scope.matches && scope.matches("[data-player]")) initPlayer(scope);
    initEditor(document.getElementById("script-editor"));
    scope.querySelectorAll("input[name=highlight_color]").forEach(showHighlight);
  }

  init(document);
  if (window.htmx) window.htmx.onLoad(init);
  else document.addEventListener("DOMContentLoaded", () => init(document));
})();
