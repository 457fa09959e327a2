// api.cc: names used in traces and summaries (see api.h and the trace contract in
// docs/cli.md section 4).
#include "model/api.h"

namespace leasesim {

const char* verb_name(Verb v) {
  switch (v) {
    case Verb::Get: return "get";
    case Verb::List: return "list";
    case Verb::Create: return "create";
    case Verb::Update: return "update";
    case Verb::Delete: return "delete";
  }
  return "?";
}

const char* result_name(ApiResult r) {
  switch (r) {
    case ApiResult::Ok: return "ok";
    case ApiResult::Conflict: return "conflict";
    case ApiResult::NotFound: return "notFound";
    case ApiResult::Invalid: return "invalid";
    case ApiResult::Timeout: return "timeout";
    case ApiResult::Unavailable: return "unavailable";
    case ApiResult::Cancelled: return "cancelled";
  }
  return "?";
}

}  // namespace leasesim
