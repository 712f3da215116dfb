"""Field sync benchmark (issue #3): a volunteer's phone sends 500 queued records (300 visits, 150 sign-offs,
50 new people with a skill each) the way static/sw.js does, in batches of 50, one after the other; then sends
them all again (a sync whose answers were lost), which must apply nothing twice.
Usage: python3 bench/field_sync.py PORT (a server started with --demo). Target: < 2 s for the 500."""
import http.client
import json
import subprocess
import sys
import time
import uuid

port = int(sys.argv[1])
session, csrf = subprocess.check_output(["python3", "bench/sign_in.py", str(port), "0900000013"], text=True).split()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def get(path):
    conn.request("GET", path, headers={"Cookie": session})
    return json.loads(conn.getresponse().read())


people = get("/api/v1/residents")
households = sorted({p["household_id"] for p in people})
skills = [s["id"] for s in get(f"/api/v1/residents/{people[0]['id']}/skills")["skills"]]
now = int(time.time() * 1000)
records = []
for n in range(300):
    p = people[n % len(people)]
    records.append({"id": str(uuid.uuid4()), "kind": "visit", "household_id": str(p["household_id"]),
                    "resident_id": str(p["id"]), "outcome": "helped", "practised": f"Zalo, lần {n}",
                    "recorded_at": now - n * 1000, "by": "bench"})
for n in range(150):
    p = people[n % len(people)]
    records.append({"id": str(uuid.uuid4()), "kind": "sign_off", "household_id": str(p["household_id"]),
                    "resident_id": str(p["id"]), "skill_id": str(skills[n // len(people) % len(skills)]),
                    "method": "observed", "recorded_at": now})
for n in range(50):
    records.append({"id": str(uuid.uuid4()), "kind": "person", "household_id": str(households[n % len(households)]),
                    "full_name": f"Người Mới Số {chr(0x41 + n % 26)}{'a' * (n // 26)}", "birth_year": str(1940 + n),
                    "consent": "verbal", "skills": [str(skills[0])], "recorded_at": now})


def send_all():
    statuses = {}
    started = time.perf_counter()
    for i in range(0, len(records), 50):
        body = json.dumps({"records": records[i:i + 50]})
        conn.request("POST", "/api/v1/field/sync", body,
                     {"Cookie": session, "X-CSRF-Token": csrf, "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = json.loads(response.read())
        if response.status != 200:
            sys.exit(f"HTTP {response.status}: {answer}")
        for r in answer["results"]:
            key = (r["status"], r["replayed"])
            statuses[key] = statuses.get(key, 0) + 1
    return time.perf_counter() - started, statuses


elapsed, statuses = send_all()
print(f"sync of {len(records)} field records in batches of 50: {elapsed:.3f} s; {statuses}")
elapsed, statuses = send_all()
print(f"the same {len(records)} records again (all replays): {elapsed:.3f} s; {statuses}")
if any(not replayed for (_, replayed) in statuses):
    sys.exit("a record was applied twice")
