"""Register benchmark (issue #3): import a generated 30,000-row .xlsx as commune staff, then load the register
list and a name search at 32 connections with wrk. Usage: python3 bench/register.py PORT (a server with --demo)."""
import http.client
import io
import json
import random
import subprocess
import sys
import time

import openpyxl

port = int(sys.argv[1])
n_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 30_000
session, csrf = subprocess.check_output(["python3", "bench/sign_in.py", str(port)], text=True).split()

families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Vi", "Sầm"]
middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc"]
givens = ["An", "Bình", "Chi", "Dũng", "Hà", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Phong", "Quân", "Thảo", "Yến"]
hamlets = ["Thôn Đông", "Thôn Tây", "Bản Hoa Tiến", "Xóm Mới", "Khối Tân Lạc"]
rng = random.Random(30000)
book = openpyxl.Workbook()
sheet = book.active
sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Địa chỉ", "Số điện thoại"])
for idx in range(n_rows):
    # A unique name per row keeps the duplicate check honest without refusing generated rows.
    name = f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(givens)} {chr(0x41 + idx % 26)}{'a' * (idx // 26 % 5)}"
    phone = f"08{idx:08d}"
    sheet.append([name, str(rng.randint(1935, 2008)), rng.choice(["Nam", "Nữ"]), rng.choice(hamlets), f"Số {idx // 4}", phone])
buffer = io.BytesIO()
book.save(buffer)
data = buffer.getvalue()

headers = {"Cookie": session, "X-CSRF-Token": csrf}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def call(method, path, body=None, content_type="application/json"):
    conn.request(method, path, body, {**headers, "Content-Type": content_type})
    response = conn.getresponse()
    payload = json.loads(response.read() or b"null")
    if response.status >= 300:
        sys.exit(f"{method} {path}: HTTP {response.status} {payload}")
    return payload


# The import job API: upload, check (the columns are guessed from the headers), commit, then poll until done.
started = time.perf_counter()
job = call("POST", "/api/v1/imports?file_name=list.xlsx", data, "application/octet-stream")
uploaded = time.perf_counter()
job = call("POST", f"/api/v1/imports/{job['id']}/check")
checked = time.perf_counter()
if job["problems"]:
    sys.exit(f"the generated list has refused lines: {job['problems'][:3]}")
job = call("POST", f"/api/v1/imports/{job['id']}/commit", json.dumps({"consent": "written"}))
while job["state"] == "running":
    time.sleep(0.1)
    job = call("GET", f"/api/v1/imports/{job['id']}")
done = time.perf_counter()
ok = job["state"] == "done" and job["n_imported"] == n_rows
print(f"import of a {n_rows}-row .xlsx ({len(data) // 1024} KB): {done - started:.2f} s "
      f"(upload {uploaded - started:.2f} s, check {checked - uploaded:.2f} s, commit {done - checked:.2f} s), "
      f"state={job['state']}, imported={job['n_imported']}")
if not ok:
    sys.exit(1)

def wrk(label, path):
    out = subprocess.check_output(["wrk", "--latency", "-t2", "-c32", "-d10s", "-H", f"Cookie: {session}",
                                   f"http://127.0.0.1:{port}{path}"], text=True)
    rps = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    print(f"{label}: {rps} req/s, p99 {p99}")


wrk(f"register list /api/v1/residents (first 500 of {n_rows} sorted)", "/api/v1/residents")
wrk("name search /api/v1/residents?q=thi+hoa", "/api/v1/residents?q=thi+hoa")
wrk("left-behind list /api/v1/left-behind", "/api/v1/left-behind")
