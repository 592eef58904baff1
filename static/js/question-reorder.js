// Loaded by interviews/bank_detail.html on a coach's own bank of two questions or more.
// Drag and drop is an extra: without JavaScript (or with the keyboard) the arrow buttons do
// the same job. The new order is sent as JSON; on any failure the old order is put back.
(function () {
  var list = document.getElementById("question-list");
  if (!list || !("draggable" in list)) { return; }
  var status = document.getElementById("reorder-status");
  var dragged = null;
  var before = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll("li[data-question-id]")); }
  function order() { return items().map(function (li) { return li.dataset.questionId; }); }
  function refreshArrows() {
    var all = items();
    all.forEach(function (li, i) {
      li.querySelector("[data-move=up]").disabled = i === 0;
      li.querySelector("[data-move=down]").disabled = i === all.length - 1;
    });
  }
  function restore(ids) {
    var byId = {};
    items().forEach(function (li) { byId[li.dataset.questionId] = li; });
    ids.forEach(function (id) { list.appendChild(byId[id]); });
    refreshArrows();
  }
  function save(ids, previous) {
    status.textContent = "Saving the new order…";
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": list.dataset.csrfToken },
      body: JSON.stringify({ question_ids: ids.map(Number) })
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      status.textContent = "New order saved.";
    }).catch(function () {
      restore(previous);
      status.textContent = "The new order could not be saved. Reload the page and try again.";
      status.classList.remove("visually-hidden");
      status.classList.add("alert", "alert-danger", "mt-2");
    });
  }

  items().forEach(function (li) {
    li.draggable = true;
    li.querySelector(".drag-handle").hidden = false;
  });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li[data-question-id]");
    if (!dragged) { return; }
    before = order();
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.questionId);
    dragged.classList.add("opacity-50");
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var target = event.target.closest("li[data-question-id]");
    if (!target || target === dragged) { return; }
    var box = target.getBoundingClientRect();
    var below = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, below ? target.nextSibling : target);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("opacity-50");
    dragged = null;
    var now = order();
    if (now.join() !== before.join()) {
      refreshArrows();
      save(now, before);
    }
  });
})();
