/* Small progressive enhancements; every page works without them.
 *
 * - Character counters: a long text with a maximum (a textarea, or a text input of 200
 *   characters or more) shows « 120 caractères sur 2 000 » under it, a polite live region
 *   repeats it once typing pauses, and the maximum no longer cuts the text silently (the
 *   browser's maxlength is lifted, the counter warns and the server refuses a text too long).
 * - Filter panels: on a small screen, the filters of a search fold behind a « Filtrer » button
 *   so that the results come first; on a large screen they stay open.
 * - Live results: after htmx replaces a search's results, their count is announced.
 *
 * The French words come from the page (#tremplin-texts), translated by Django.
 */
(function () {
  "use strict";

  const texts = document.getElementById("tremplin-texts");
  const lang = document.documentElement.lang || "fr";
  const number = (value) => value.toLocaleString(lang);
  const text = (name, values) =>
    (texts ? texts.dataset[name] || "" : "").replace(/\{(\w+)\}/g, (_, key) => values[key]);

  function counterText(count, max) {
    if (count > max) {
      return text("counterOver", { count: number(count), max: number(max), over: number(count - max) });
    }
    return text(count > 1 ? "counterMany" : "counterOne", { count: number(count), max: number(max) });
  }

  function addCounter(field) {
    const max = parseInt(field.getAttribute("maxlength"), 10);
    if (!field.id || !max || field.dataset.counter) {
      return;
    }
    field.dataset.counter = String(max);
    field.removeAttribute("maxlength");
    const counter = document.createElement("p");
    counter.className = "fr-hint-text fr-mt-1v tremplin-counter";
    counter.id = field.id + "-counter";
    counter.dataset.testid = "counter";
    const live = document.createElement("p");
    live.className = "fr-sr-only";
    live.setAttribute("role", "status");
    live.id = field.id + "-counter-status";
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", live);
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", described.concat(counter.id).join(" "));
    let pause = null;
    const update = () => {
      const count = field.value.length;
      counter.textContent = counterText(count, max);
      counter.classList.toggle("fr-error-text", count > max);
      window.clearTimeout(pause);
      pause = window.setTimeout(() => {
        live.textContent = counter.textContent;
      }, 800);
    };
    field.addEventListener("input", update);
    counter.textContent = counterText(field.value.length, max);
  }

  function addCounters(root) {
    root.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach((field) => {
      if (field.tagName === "TEXTAREA" || parseInt(field.getAttribute("maxlength"), 10) >= 200) {
        addCounter(field);
      }
    });
  }

  const small = window.matchMedia("(max-width: 47.99em)");

  function setUpFilters(toggle) {
    const panel = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!panel) {
      return;
    }
    const show = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
    };
    const fit = () => {
      toggle.hidden = !small.matches;
      show(!small.matches || toggle.dataset.opened === "true");
    };
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.dataset.opened = String(open);
      show(open);
    });
    small.addEventListener("change", fit);
    fit();
  }

  function announceResults(target) {
    const status = document.querySelector('[data-announces="#' + target.id + '"]');
    const count = target.querySelector("[data-testid=result-count]");
    if (status && count) {
      status.textContent = count.textContent.replace(/\s+/g, " ").trim();
    }
  }

  function start() {
    addCounters(document);
    document.querySelectorAll("[data-filters-toggle]").forEach(setUpFilters);
    document.body.addEventListener("htmx:afterSettle", (event) => {
      addCounters(event.target);
      announceResults(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
