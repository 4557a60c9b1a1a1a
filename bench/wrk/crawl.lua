-- wrk script for bench/growth.py: a crawl. Each request asks for the next address of the list
-- in BENCH_PATHS (one a line), the threads taking turns, so that no address is asked for twice
-- until the list runs out. Counts and reports as report.lua does.
--   BENCH_PATHS=paths.txt wrk -s crawl.lua http://host:port/first/path

local here = debug.getinfo(1, "S").source:sub(2):gsub("crawl%.lua$", "")
dofile(here .. "report.lua")

local report_setup = setup
local count = 0

function setup(thread)
   thread:set("first", count)
   count = count + 1
   report_setup(thread)
end

local paths, step, next_index = {}, 1, 0

function init(args)
   for line in io.lines(os.getenv("BENCH_PATHS")) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   next_index = first or 0
   step = tonumber(os.getenv("BENCH_THREADS") or "1")
end

function request()
   local path = paths[next_index % #paths + 1]
   next_index = next_index + step
   return wrk.format(nil, path)
end
