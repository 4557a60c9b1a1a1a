-- wrk script for the news spike (bench/spike.py): each request is drawn from a weighted mix of
-- pages read from BENCH_SPIKE_MIX (lines "weight<TAB>method<TAB>path<TAB>body<TAB>cookie");
-- report.lua (BENCH_REPORT_LUA) counts the statuses and prints the results.

dofile(os.getenv("BENCH_REPORT_LUA"))

local mix, total = {}, 0

function init(args)
   math.randomseed(os.time() * 1000 + (id or 0))
   for line in io.lines(os.getenv("BENCH_SPIKE_MIX")) do
      local weight, method, path, body, cookie = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      if weight then
         total = total + tonumber(weight)
         local headers = {}
         if cookie ~= "" then headers["Cookie"] = cookie end
         if method == "POST" then
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Sec-Fetch-Site"] = "same-origin"
         end
         table.insert(mix, {upto = total, request = wrk.format(method, path, headers,
                                                                body ~= "" and body or nil)})
      end
   end
end

function request()
   local r = math.random() * total
   for _, entry in ipairs(mix) do
      if r <= entry.upto then return entry.request end
   end
   return mix[#mix].request
end
