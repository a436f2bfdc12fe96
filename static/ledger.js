// 问题台账: typing a date picks "custom" as the period, so the dates typed are the ones used.
document.addEventListener("DOMContentLoaded", () => {
  const custom = document.getElementById("p-custom");
  if (!custom) return;
  for (const id of ["f-from", "f-to"]) {
    const input = document.getElementById(id);
    if (input) input.addEventListener("input", () => { custom.checked = true; });
  }
});
