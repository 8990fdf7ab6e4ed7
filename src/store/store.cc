#include "store/store.h"

#include <future>

namespace alertgate {

Result<WebhookReceipt> Store::InsertWebhook(Timestamp received_at, std::string_view body,
                                            const std::vector<Notification>& alerts) {
  std::promise<Result<WebhookReceipt>> promise;
  auto future = promise.get_future();
  InsertWebhookAsync(received_at, std::string(body), alerts,
                     [&promise](Result<WebhookReceipt> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace alertgate
