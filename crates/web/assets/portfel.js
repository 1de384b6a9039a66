// Print buttons (the pages allow no inline script): a button marked
// data-action="print" opens the browser's print dialogue.
document.addEventListener("click", (event) => {
  const button = event.target.closest('[data-action="print"]');
  if (button) {
    window.print();
  }
});
