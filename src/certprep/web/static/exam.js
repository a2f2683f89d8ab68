// certprep exam and practice pages: saves every answer and flag as it is made, keeps the
// countdown in step with the server (the server's clock decides), and offers keyboard keys.
"use strict";
(function () {
  const root = document.getElementById("attempt");
  if (!root) return;
  const attempt = root.dataset.attempt;
  const number = Number(root.dataset.number || 0);
  const choose = Number(root.dataset.choose || 1);
  const practice = root.dataset.mode === "practice";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = document.getElementById("save-status");
  const reportUrl = `/attempts/${attempt}/report`;
  const WORDS = { 2: "two", 3: "three" };

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  class Retry extends Error {} // the server did not take it for now: try again
  class Refused extends Error {} // the server refused it: trying again would not help

  async function call(method, path, body) {
    let response;
    try {
      response = await fetch(`/api/attempts/${attempt}${path}`, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        keepalive: method !== "GET", // a save outlives the page if the learner moves on at once
      });
    } catch (e) {
      throw new Retry("the server cannot be reached");
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 409 && data.code === "time_up") {
      window.location.assign(reportUrl);
      throw new Refused("time is up");
    }
    if (response.status >= 500 || response.status === 429) throw new Retry(String(response.status));
    if (!response.ok) {
      say(data.detail || `Not saved (${response.status})`, true);
      throw new Refused(data.detail || String(response.status));
    }
    return data;
  }

  // -- saving you can trust: every change is retried until the server has it ---------------
  // One queue of writes; a write that fails for a passing reason (no network, server down)
  // is retried with back-off, and the page says so at once. Leaving the page waits for it.
  let queue = Promise.resolve();
  let unsaved = 0;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function write(method, path, body, done) {
    unsaved += 1;
    queue = queue.then(async () => {
      for (let delay = 1000; ; delay = Math.min(delay * 2, 30000)) {
        try {
          const data = await call(method, path, body);
          unsaved -= 1;
          done(data);
          return;
        } catch (e) {
          if (e instanceof Refused) { unsaved -= 1; return; }
          say("Not saved — retrying", true);
          await sleep(delay);
        }
      }
    });
    return queue;
  }
  window.addEventListener("beforeunload", (event) => {
    if (unsaved > 0) { event.preventDefault(); event.returnValue = ""; }
  });

  // -- where the learner is: recorded by a POST, since loading a page changes nothing ------
  if (Number(root.dataset.current || 0) !== number) {
    call("POST", `/visit/${number}`).catch(() => { /* where the learner was: not worth a retry */ });
  }

  // -- the countdown follows the server ---------------------------------------------------
  const timer = document.getElementById("timer");
  let deadline = null;
  function setLeft(seconds) {
    deadline = seconds === null || seconds === "" ? null : performance.now() + Number(seconds) * 1000;
  }
  function tick() {
    if (!timer || deadline === null) return;
    const left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    timer.textContent = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
    if (left <= 300) timer.classList.add("low");
    warnAt(left);
    if (left === 0) sync();
  }

  // -- time warnings at 30, 10 and 5 minutes: shown and read out once per exam, even with the
  // timer hidden (sessionStorage remembers which were given across pages)
  const warning = document.getElementById("time-warning");
  const warnedKey = `certprep.warned.${attempt}`;
  function warnAt(left) {
    if (!warning) return;
    const given = new Set(JSON.parse(sessionStorage.getItem(warnedKey) || "[]"));
    const due = [30, 10, 5].filter((m) => left <= m * 60 && !given.has(m));
    if (!due.length) return;
    due.forEach((m) => given.add(m));
    sessionStorage.setItem(warnedKey, JSON.stringify([...given]));
    warning.textContent = `${Math.min(...due)} minutes left. Unanswered questions score as wrong.`;
  }

  // -- the timer can be hidden and shown again (remembered on this browser)
  const toggle = document.getElementById("toggle-timer");
  const timerBox = document.getElementById("timer-box");
  function showTimer(hidden) {
    if (!toggle || !timerBox) return;
    timerBox.hidden = hidden;
    toggle.textContent = hidden ? "Show timer" : "Hide timer";
    toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
  }
  if (toggle) {
    showTimer(localStorage.getItem("certprep.timerHidden") === "1");
    toggle.addEventListener("click", () => {
      const hidden = !timerBox.hidden;
      localStorage.setItem("certprep.timerHidden", hidden ? "1" : "0");
      showTimer(hidden);
    });
  }
  async function sync() {
    try {
      const state = await call("GET", "");
      if (state.status !== "in_progress") { window.location.assign(reportUrl); return; }
      setLeft(state.time_left_seconds);
    } catch (e) { /* shown by call() */ }
  }
  if (timer && root.dataset.timeLeft !== "") {
    setLeft(root.dataset.timeLeft);
    tick();
    setInterval(tick, 1000);
    setInterval(sync, 30000);
  }

  // -- answers ------------------------------------------------------------------------------
  const form = document.getElementById("question");
  if (form) form.addEventListener("submit", (event) => event.preventDefault());
  const inputs = form ? Array.from(form.querySelectorAll('input[name="choice"]')) : [];
  const chosen = () => inputs.filter((i) => i.checked).map((i) => i.value);

  function markNavigator(result) {
    const link = document.querySelector(`.nav-q[data-n="${result.number}"]`);
    if (!link) return;
    const state = result.complete ? "answered" : result.answered ? "incomplete" : "unanswered";
    ["answered", "incomplete", "unanswered"].forEach((c) => link.classList.toggle(c, c === state));
    link.classList.toggle("flagged", result.flagged);
    link.setAttribute("aria-label",
      `Question ${result.number}, ${state}${result.flagged ? ", flagged" : ""}`);
  }

  function saveAnswer() {
    const letters = chosen();
    say("Saving…");
    const done = (data) => {
      const state = data.state || data;
      markNavigator(state);
      if (unsaved > 0) return; // a later change is still on its way
      if (!letters.length) say("Answer cleared. Saved.");
      else if (state.answered && !state.complete)
        say(`Saved ${letters.join(", ")}, but incomplete: choose ${WORDS[choose] || choose}.`);
      else say(`Saved: ${letters.join(", ")}.`);
    };
    return letters.length
      ? write("PUT", `/questions/${number}/answer`, { choice: letters }, done)
      : write("DELETE", `/questions/${number}/answer`, undefined, done);
  }

  // moving to another page waits until every answer and flag is saved
  root.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (unsaved > 0) say("Not saved yet — it moves on once the answer is saved", true);
    queue.then(() => window.location.assign(link.href));
  });

  function showFeedback(feedback) {
    const box = document.getElementById("feedback");
    box.replaceChildren();
    const head = document.createElement("h2");
    head.className = feedback.correct ? "ok" : "bad";
    head.textContent = feedback.correct ? "Correct." : `Not quite. The answer is ${feedback.key.join(", ")}.`;
    const yours = document.createElement("p");
    yours.className = "yours";
    yours.textContent = `You chose ${feedback.chosen.join(", ")}.`;
    const list = document.createElement("ul");
    list.className = "plain";
    feedback.options.forEach((o) => {
      const li = document.createElement("li");
      li.className = [o.correct ? "ok" : "", o.chosen ? "chosen" : ""].join(" ").trim();
      const strong = document.createElement("strong");
      const marks = [o.correct ? "correct" : "", o.chosen ? "your choice" : ""].filter(Boolean);
      strong.textContent = `${o.letter}. ${o.text}` + (marks.length ? ` (${marks.join(", ")})` : "");
      const why = document.createElement("span");
      why.className = "why";
      why.textContent = o.why;
      li.append(strong, document.createElement("br"), why);
      list.append(li);
    });
    const explanation = document.createElement("p");
    explanation.className = "explanation";
    explanation.textContent = feedback.explanation;
    const refs = document.createElement("ul");
    refs.className = "refs";
    feedback.references.forEach((url) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = url; a.textContent = url; a.rel = "noopener noreferrer"; a.target = "_blank";
      li.append(a); refs.append(li);
    });
    const report = document.createElement("p");
    const link = document.createElement("a");
    link.href = `${feedback.report_url}?back=${encodeURIComponent(window.location.pathname)}`;
    link.textContent = "Report a problem with this question";
    report.append(link);
    box.append(head, yours, list, explanation, refs, report);
    if (feedback.correct) box.append(rateButtons());
    box.hidden = false;
    form.querySelector("fieldset").disabled = true;
    const check = document.getElementById("check");
    if (check) check.remove();
    head.tabIndex = -1;
    head.focus();
  }

  function rateButtons() {
    const row = document.createElement("div");
    row.className = "rate";
    const label = document.createElement("span");
    label.textContent = "How was it?";
    row.append(label);
    [["hard", "It was hard"], ["easy", "It was easy"]].forEach(([value, text]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.addEventListener("click", async () => {
        try {
          const data = await call("POST", `/questions/${number}/rating`, { rating: value });
          row.replaceChildren(document.createTextNode(
            data.next_review ? `Noted. Next review: ${data.next_review.slice(0, 10)}.` : "Noted."));
        } catch (e) { /* shown by call() */ }
      });
      row.append(button);
    });
    return row;
  }

  inputs.forEach((input) => {
    input.addEventListener("change", () => {
      if (input.type === "checkbox" && input.checked && chosen().length > choose) {
        input.checked = false;
        say(`Choose ${WORDS[choose]}: clear one first.`, true);
        return;
      }
      if (!practice) saveAnswer();
    });
  });

  const check = document.getElementById("check");
  if (check) {
    check.addEventListener("click", async () => {
      const letters = chosen();
      if (letters.length === 0) {
        say(choose === 1 ? "Choose an option first." : `Choose ${WORDS[choose]} options first.`, true);
        return;
      }
      write("PUT", `/questions/${number}/answer`, { choice: letters }, (data) => {
        markNavigator(data.state);
        if (data.feedback) { say(""); showFeedback(data.feedback); }
        else say(`Saved, but incomplete: choose ${WORDS[choose]} to see the answer.`, true);
      });
    });
  }

  // -- flag and strike-through ----------------------------------------------------------------
  const flag = document.getElementById("flag");
  function toggleFlag() {
    if (!flag) return;
    const on = flag.getAttribute("aria-pressed") !== "true";
    flag.setAttribute("aria-pressed", String(on));
    flag.classList.toggle("flagged", on);
    flag.textContent = on ? "Flagged for review" : "Flag for review";
    write("PUT", `/questions/${number}/flag`, { flagged: on }, (state) => {
      markNavigator(state);
      if (unsaved === 0) say(on ? "Flagged" : "Flag removed");
    });
  }
  if (flag) flag.addEventListener("click", toggleFlag);

  const strikeKey = (letter) => `certprep:strike:${attempt}:${number}:${letter}`;
  document.querySelectorAll(".option").forEach((option) => {
    const button = option.querySelector(".strike");
    const letter = option.dataset.letter;
    const apply = (on) => {
      option.classList.toggle("struck", on);
      button.setAttribute("aria-pressed", String(on));
    };
    apply(sessionStorage.getItem(strikeKey(letter)) === "1");
    button.addEventListener("click", () => {
      const on = !option.classList.contains("struck");
      sessionStorage.setItem(strikeKey(letter), on ? "1" : "0");
      apply(on);
    });
  });

  // -- keyboard -------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text"))) return;
    const key = event.key.toUpperCase();
    // letters A-F and digits 1-6 choose options; M (mark) flags, as in the terminal
    const letterOf = /^[1-6]$/.test(key) ? String.fromCharCode(64 + Number(key)) : key;
    const input = inputs.find((i) => i.value === letterOf);
    if (input && !input.disabled && !input.closest("fieldset").disabled) {
      event.preventDefault();
      input.checked = input.type === "radio" ? true : !input.checked;
      input.dispatchEvent(new Event("change"));
      input.focus();
      return;
    }
    const go = (id) => { const a = document.getElementById(id); if (a && !a.disabled) a.click(); };
    if (key === "N") go("next");
    else if (key === "P") go("prev");
    else if (key === "M") toggleFlag();
    else if (key === "R") go("review-link");
  });
})();
