# Walkthrough: tagging ferry delay reports with a delay reason
#
# The harbour office logs a one-line free-text report for every delayed ferry
# departure. In this walkthrough we train a very small bag-of-embeddings model
# in plain PyTorch to guess the reason category from the report text.
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(7)

# ---------------------------------------------------------------------------
# Step 1: the delay reason categories used by the harbour office
# ---------------------------------------------------------------------------
DELAY_REASON_CATEGORIES = ["weather", "mechanical", "berth congestion", "late connecting train", "crew shortage"]
reason_to_class_index = {reason: index for index, reason in enumerate(DELAY_REASON_CATEGORIES)}


@dataclass
class DelayReport:
    report_text: str
    delay_reason: str


# ---------------------------------------------------------------------------
# Step 2: a handful of labelled reports from last month
# ---------------------------------------------------------------------------
labelled_delay_reports = [
    DelayReport("gale force winds at harbour mouth departure held", "weather"),
    DelayReport("fog too thick for safe crossing", "weather"),
    DelayReport("bow thruster fault engineer called", "mechanical"),
    DelayReport("ramp hydraulics leaking repair underway", "mechanical"),
    DelayReport("waited for passengers from the delayed train", "late connecting train"),
    DelayReport("second deckhand called in sick replacement travelling", "crew shortage"),
    DelayReport("master hours exceeded relief crew awaited", "crew shortage"),
]

# ---------------------------------------------------------------------------
# Step 3: word-level vocabulary (index 0 is kept for padding)
# ---------------------------------------------------------------------------
report_word_to_id = {"<pad>": 0, "<unk>": 1}
for delay_report in labelled_delay_reports:
    for word in delay_report.report_text.split():
        report_word_to_id.setdefault(word, len(report_word_to_id))
print(f"{len(report_word_to_id)} words in the report vocabulary")


def report_to_tensor(text):
    return torch.tensor([report_word_to_id.get(word, 1) for word in text.split()], dtype=torch.long)


def collate_delay_reports(reports):
    report_token_tensors = [report_to_tensor(report.report_text) for report in reports]
    padded_report_token_ids = pad_sequence(report_token_tensors, batch_first=True, padding_value=0)
    reason_class_indices = torch.tensor([reason_to_class_index[report.delay_reason] for report in reports])
    return padded_report_token_ids, reason_class_indices


# ---------------------------------------------------------------------------
# Step 4: the model, an averaged word embedding followed by a linear layer
# ---------------------------------------------------------------------------
class DelayReasonClassifier(nn.Module):
    def __init__(self, vocabulary_size, embedding_width, number_of_reason_classes):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocabulary_size, embedding_width, padding_idx=0)
        self.reason_head = nn.Linear(embedding_width, number_of_reason_classes)

    def forward(self, padded_report_token_ids):
        not_padding = (padded_report_token_ids != 0).unsqueeze(-1).float()
        summed_embeddings = (self.word_embeddings(padded_report_token_ids) * not_padding).sum(dim=1)
        averaged_embeddings = summed_embeddings / not_padding.sum(dim=1).clamp(min=1.0)
        return self.reason_head(averaged_embeddings)


# how many reasons do we actually have to tell apart?
number_of_delay_classes = len(DELAY_REASON_CATEGORIES)
print(f"training a classifier over {number_of_delay_classes} delay reasons")

delay_classifier = DelayReasonClassifier(
    vocabulary_size=len(report_word_to_id),
    embedding_width=16,
    number_of_reason_classes=number_of_delay_classes,
)

report_loader = DataLoader(labelled_delay_reports, batch_size=4, shuffle=True, collate_fn=collate_delay_reports)

# make sure the loader gives what the model expects
first_token_batch, first_reason_batch = next(iter(report_loader))
assert first_token_batch.dtype == torch.long
assert first_token_batch.shape[0] == first_reason_batch.shape[0]
assert int(first_token_batch.max()) < len(report_word_to_id)

# ---------------------------------------------------------------------------
# Step 5: train
# ---------------------------------------------------------------------------
loss_function = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(delay_classifier.parameters(), lr=1e-2)
for epoch_number in range(5):
    running_loss = 0.0
    for padded_report_token_ids, reason_class_indices in report_loader:
        optimizer.zero_grad()
        reason_logits = delay_classifier(padded_report_token_ids)
        batch_loss = loss_function(reason_logits, reason_class_indices)
        batch_loss.backward()
        optimizer.step()
        running_loss += batch_loss.item()
    print(f"epoch {epoch_number}: total loss {running_loss:.4f}")

print("done training the delay reason classifier")
