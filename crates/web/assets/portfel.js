// Print buttons (the pages allow no inline script): a button marked
// data-action="print" opens the browser's print dialogue. Upload forms
// (data-upload) show their progress; without the script they post as usual.
document.addEventListener("click", (event) => {
  const button = event.target.closest('[data-action="print"]');
  if (button) {
    window.print();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-upload]");
  const bar = form && form.querySelector("progress");
  if (!bar || !window.XMLHttpRequest) {
    return;
  }
  event.preventDefault();
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  bar.hidden = false;
  request.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) {
      bar.value = Math.round((e.loaded / e.total) * 100);
    }
  });
  request.addEventListener("load", () => {
    if (request.status < 400 && request.responseURL) {
      window.location.assign(request.responseURL);
    } else {
      document.open();
      document.write(request.responseText);
      document.close();
    }
  });
  request.addEventListener("error", () => {
    bar.hidden = true;
    form.submit();
  });
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  request.send(new FormData(form));
});
