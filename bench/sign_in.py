"""Signs in as a demo account (commune staff unless a phone is given); prints the session cookie and the CSRF
token, one per line. Usage: python3 bench/sign_in.py PORT [PHONE]"""
import http.client
import json
import re
import sys
import urllib.parse

port = int(sys.argv[1])
phone = sys.argv[2] if len(sys.argv) > 2 else "0900000011"
conn = http.client.HTTPConnection("127.0.0.1", port)
conn.request("GET", "/login")
response = conn.getresponse()
login_cookie = response.getheader("set-cookie").split(";")[0]
token = re.search(r'name="_csrf" value="([0-9a-f]+)"', response.read().decode()).group(1)
body = urllib.parse.urlencode({"_csrf": token, "phone": phone, "password": "hocvuso-demo-2026", "next": "/"})
conn.request("POST", "/login", body, {"Cookie": login_cookie, "Content-Type": "application/x-www-form-urlencoded"})
response = conn.getresponse()
response.read()
session = [c.split(";")[0] for c in response.headers.get_all("set-cookie") if c.startswith("hv_session=")][0]
conn.request("GET", "/api/v1/me", headers={"Cookie": session})
me = json.loads(conn.getresponse().read())
print(session)
print(me["csrf_token"])
