-- wrk script shared by bench/load-test.sh and bench/scale-out.sh: POST /search with the photo at $QUERY_PHOTO as
-- one multipart body built once. LOAD_LIMIT > 0 stops each thread after that many answers (0: run for -d).
local boundary = "----imagesearch-bench"
local f = assert(io.open(assert(os.getenv("QUERY_PHOTO"), "set QUERY_PHOTO"), "rb"))
local image = f:read("*all")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"top_k\"\r\n\r\n10\r\n"
  .. "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"file\"; filename=\"query.jpg\"\r\n"
  .. "Content-Type: image/jpeg\r\n\r\n" .. image .. "\r\n"
  .. "--" .. boundary .. "--\r\n"
local limit = tonumber(os.getenv("LOAD_LIMIT") or "0")
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end
