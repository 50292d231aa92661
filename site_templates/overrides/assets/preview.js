// The preview only (generator/plugin.py): while the claims files have problems, the preview
// shows the last version that built, and this says so at the top of every page, with the
// problems as the terminal lists them. They are shown as text, never as HTML.
(() => {
  const problems = new URL("../preview-problems.json", document.currentScript.src);
  fetch(problems, { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : {}))
    .then(({ headline, details }) => {
      if (!headline) {
        return;
      }
      const notice = document.createElement("div");
      notice.className = "fc-preview-problems";
      notice.setAttribute("role", "alert");
      const title = document.createElement("p");
      title.textContent = headline;
      notice.append(title);
      if (details) {
        const lines = document.createElement("pre");
        lines.textContent = details;
        notice.append(lines);
      }
      document.body.prepend(notice);
    })
    .catch(() => {}); // the preview stopped, or the file is being written: no notice
})();
