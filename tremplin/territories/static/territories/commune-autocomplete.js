// The commune autocomplete: every <input data-commune-autocomplete="URL"> becomes an ARIA 1.2
// combobox with a listbox of suggestions fetched from URL?q=… (at most 10). Keyboard: Down/Up
// move through the suggestions, Enter chooses, Escape closes; a click chooses too. Without
// this script the input stays a text field that the server reads (territories/fields.py).
// With data-commune-separator="," the field holds a list: the part after the last separator
// is completed. Loaded once per field: the second load does nothing.
(function () {
  "use strict";
  if (window.tremplinCommuneAutocomplete) return;
  window.tremplinCommuneAutocomplete = true;

  var DELAY_MS = 150;
  var counter = 0;

  function currentPart(input) {
    var separator = input.dataset.communeSeparator;
    if (!separator) return input.value;
    var parts = input.value.split(separator);
    return parts[parts.length - 1];
  }

  function Combobox(input) {
    this.input = input;
    this.url = input.dataset.communeAutocomplete;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    counter += 1;
    var base = input.id || "commune-" + counter;
    this.list = document.createElement("ul");
    this.list.id = base + "-suggestions";
    this.list.className = "tremplin-combobox__list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", input.dataset.communeListLabel || "");
    this.list.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "fr-sr-only";
    this.status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", this.list);
    this.list.insertAdjacentElement("afterend", this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    // Closed when the focus leaves the field for another element of the page, not when the
    // window itself loses the focus (another window, a screenshot): the list is still there
    // when the person comes back.
    input.addEventListener("blur", this.onBlur.bind(this));
    // mousedown would move the focus out of the input (and close the list) before the click.
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.list.addEventListener("click", this.onClick.bind(this));
  }

  Combobox.prototype.onInput = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var query = currentPart(this.input).trim();
    if (query.length < 2) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () {
      self.fetch(query);
    }, DELAY_MS);
  };

  Combobox.prototype.fetch = function (query) {
    var self = this;
    if (this.request) this.request.abort();
    this.request = new AbortController();
    window
      .fetch(this.url + "?q=" + encodeURIComponent(query), {
        signal: this.request.signal,
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (currentPart(self.input).trim() === query && document.activeElement === self.input) {
          self.show(data.suggestions || []);
        }
      })
      .catch(function () {
        // Aborted by a newer query, or offline: the field still works as typed.
      });
  };

  Combobox.prototype.show = function (suggestions) {
    var self = this;
    this.list.replaceChildren();
    this.options = suggestions.map(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.className = "tremplin-combobox__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.value = suggestion.value;
      option.textContent = suggestion.text;
      self.list.appendChild(option);
      return option;
    });
    this.setActive(-1);
    var count = this.options.length;
    if (count === 0) {
      this.close();
      this.status.textContent = this.input.dataset.communeNone || "";
      return;
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    var template = this.input.dataset.communeSome || "%(count)s";
    this.status.textContent = template.replace("%(count)s", String(count));
  };

  Combobox.prototype.close = function () {
    window.clearTimeout(this.timer);
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.setActive(-1);
  };

  Combobox.prototype.onBlur = function () {
    var self = this;
    window.setTimeout(function () {
      if (document.activeElement !== self.input) self.close();
    }, 0);
  };

  Combobox.prototype.isOpen = function () {
    return !this.list.hidden && this.options.length > 0;
  };

  Combobox.prototype.setActive = function (index) {
    if (this.active >= 0 && this.options[this.active]) {
      this.options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index < 0) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    var option = this.options[index];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  Combobox.prototype.move = function (step) {
    if (!this.isOpen()) {
      if (this.options.length === 0) return;
      this.list.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
    var count = this.options.length;
    var next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    this.setActive(next);
  };

  Combobox.prototype.choose = function (option) {
    var value = option.dataset.value;
    var separator = this.input.dataset.communeSeparator;
    if (separator) {
      var parts = this.input.value.split(separator);
      parts[parts.length - 1] = (parts.length > 1 ? " " : "") + value;
      value = parts.join(separator) + separator + " ";
    }
    this.input.value = value;
    this.close();
    this.options = [];
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Combobox.prototype.onKeydown = function (event) {
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      this.move(1);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Enter") {
      if (this.isOpen() && this.active >= 0) {
        event.preventDefault();
        this.choose(this.options[this.active]);
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (this.isOpen()) {
        event.preventDefault();
        this.close();
      }
    }
  };

  Combobox.prototype.onClick = function (event) {
    var option = event.target.closest("[role=option]");
    if (option) this.choose(option);
  };

  function enhance(root) {
    var inputs = root.querySelectorAll("input[data-commune-autocomplete]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.dataset.communeEnhanced) return;
      input.dataset.communeEnhanced = "1";
      new Combobox(input);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  } else {
    enhance(document);
  }
  // Forms swapped in by htmx.
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
})();
