/*
 * Keeps what is typed in a long form in this browser until the form is saved.
 *
 * Forms marked `data-keep-draft="<notice>"` have their text fields copied to localStorage
 * (one entry per page, form and field) as the person types. When the page opens again with a
 * field still holding what the server sent when the draft began (a reload, the back button after
 * a 503, a login after an expired session), the draft is put back and the notice is shown. After
 * a submit, the next page that shows a success message (Django's messages, `.fr-alert--success`)
 * or a `[data-draft-saved]` element clears the drafts of the form sent; any other outcome keeps
 * them. No inline script (CSP): this file is loaded by base.html with the page's nonce.
 */
(function () {
  "use strict";

  var PREFIX = "tremplin:draft:";
  var PENDING = "tremplin:draft-pending";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000; // a draft older than a month is dropped
  var PENDING_MS = 5 * 60 * 1000; // the page after a submit comes within this delay
  var FIELDS = "textarea, input[type=text], input[type=email], input[type=url], input[type=search], input:not([type])";

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null; // private mode, storage disabled or full: the page works as before
    }
  }

  var local = storage("localStorage");
  if (!local) {
    return;
  }
  var session = storage("sessionStorage");

  function formAddress(form) {
    var action = form.getAttribute("action");
    return action ? new URL(action, window.location.href).pathname : window.location.pathname;
  }

  function keyOf(form, field) {
    return PREFIX + window.location.pathname + "|" + formAddress(form) + "|" + field.name;
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.querySelectorAll(FIELDS), function (field) {
      return field.name && !field.disabled && !field.readOnly;
    });
  }

  function read(key) {
    try {
      var draft = JSON.parse(local.getItem(key));
      if (draft && typeof draft.value === "string" && Date.now() - draft.at < MAX_AGE_MS) {
        return draft;
      }
    } catch (error) {
      /* a damaged entry is dropped below */
    }
    local.removeItem(key);
    return null;
  }

  // 1. The outcome of the last submit: saved (a success message) or not (kept).
  function settlePending() {
    if (!session) {
      return;
    }
    var pending = null;
    try {
      pending = JSON.parse(session.getItem(PENDING));
    } catch (error) {
      pending = null;
    }
    if (!pending || !Array.isArray(pending.keys)) {
      return;
    }
    if (Date.now() - pending.at > PENDING_MS) {
      session.removeItem(PENDING); // a success long after the submit is not its outcome
      return;
    }
    if (document.querySelector(".fr-alert--success, [data-draft-saved]")) {
      pending.keys.forEach(function (key) {
        local.removeItem(key);
      });
      session.removeItem(PENDING);
      return;
    }
    // Back on the form without a success message (errors, a reload, the back button): not
    // saved; the drafts stay and a later success elsewhere must not clear them.
    var here = Array.prototype.some.call(document.querySelectorAll("form[data-keep-draft]"), function (form) {
      return fieldsOf(form).some(function (field) {
        return pending.keys.indexOf(keyOf(form, field)) !== -1;
      });
    });
    if (here) {
      session.removeItem(PENDING);
    }
  }

  function notice(form, text) {
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--info fr-alert--sm fr-mb-2w";
    alert.setAttribute("role", "status");
    alert.setAttribute("data-testid", "draft-restored");
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    alert.appendChild(paragraph);
    form.parentNode.insertBefore(alert, form);
  }

  function keep(form) {
    var restored = false;
    fieldsOf(form).forEach(function (field) {
      var key = keyOf(form, field);
      // What the server sent: a draft is put back only over that same text, never over a
      // newer text saved meanwhile (from another browser).
      var base = field.value;
      var draft = read(key);
      if (draft && draft.value !== field.value && draft.base === field.value) {
        field.value = draft.value;
        base = draft.base;
        restored = true;
      } else if (draft && draft.value === field.value) {
        base = draft.base;
      } else if (draft) {
        local.removeItem(key);
      }
      field.addEventListener("input", function () {
        if (field.value === base) {
          local.removeItem(key);
          return;
        }
        try {
          local.setItem(key, JSON.stringify({ value: field.value, base: base, at: Date.now() }));
        } catch (error) {
          /* storage full: nothing more to do */
        }
      });
    });
    form.addEventListener("submit", function () {
      if (!session) {
        return;
      }
      var keys = fieldsOf(form).map(function (field) {
        return keyOf(form, field);
      });
      session.setItem(PENDING, JSON.stringify({ keys: keys, at: Date.now() }));
    });
    if (restored) {
      notice(form, form.getAttribute("data-keep-draft") || "Votre texte non enregistré a été rétabli.");
    }
  }

  settlePending();
  Array.prototype.forEach.call(document.querySelectorAll("form[data-keep-draft]"), keep);
})();
