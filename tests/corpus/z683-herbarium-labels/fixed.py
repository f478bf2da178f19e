# Walkthrough: reading herbarium specimen labels with a small BERT encoder
#
# Old herbarium sheets carry a typed label: collector, locality, habitat and a
# few words about the plant. Here we mean-pool a BERT encoder over the content
# words of each label and train a linear head that guesses the plant family.
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

MAX_LABEL_TOKENS = 24
PLANT_FAMILIES = ["Rosaceae", "Poaceae", "Orchidaceae"]

# ---------------------------------------------------------------------------
# Step 1: a few transcribed specimen labels
# ---------------------------------------------------------------------------
transcribed_specimen_labels = [
    ("shrub with thorny stems white five petaled flowers hedgerow", "Rosaceae"),
    ("tufted grass on dry chalk slope flowering spikelets", "Poaceae"),
    ("terrestrial orchid damp meadow purple spotted leaves", "Orchidaceae"),
    ("small tree fruit a red pome roadside", "Rosaceae"),
    ("grass in wet ditch tall panicle", "Poaceae"),
    ("epiphytic orchid on oak bark", "Orchidaceae"),
]

# ---------------------------------------------------------------------------
# Step 2: write a vocabulary and load a tokenizer from it
# ---------------------------------------------------------------------------
label_words = sorted({word for label_text, _ in transcribed_specimen_labels for word in label_text.split()})
tokenizer_directory = tempfile.mkdtemp()
vocab_file_path = os.path.join(tokenizer_directory, "vocab.txt")
with open(vocab_file_path, "w") as vocab_handle:
    vocab_handle.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + label_words) + "\n")
herbarium_tokenizer = BertTokenizer(vocab_file_path)
print(f"tokenizer knows {herbarium_tokenizer.vocab_size} tokens")


# ---------------------------------------------------------------------------
# Step 3: masks that keep only the content words (no [CLS], [SEP] or padding)
# ---------------------------------------------------------------------------
def content_word_masks(token_id_rows, pad_to_length):
    skipped_ids = {herbarium_tokenizer.cls_token_id, herbarium_tokenizer.sep_token_id, herbarium_tokenizer.pad_token_id}
    mask_rows = []
    for token_id_row in token_id_rows.tolist():
        row_mask = [0.0 if token_id in skipped_ids else 1.0 for token_id in token_id_row]
        mask_rows.append(row_mask + [0.0] * (pad_to_length - len(row_mask)))
    return torch.tensor(mask_rows)


encoded_specimen_labels = herbarium_tokenizer(
    [label_text for label_text, _ in transcribed_specimen_labels],
    padding=True,
    truncation=True,
    max_length=MAX_LABEL_TOKENS,
    return_tensors="pt",
)
padded_label_token_ids = encoded_specimen_labels["input_ids"]
padded_attention_masks = encoded_specimen_labels["attention_mask"]
padded_content_masks = content_word_masks(padded_label_token_ids, pad_to_length=padded_label_token_ids.shape[1])
family_targets = torch.tensor([PLANT_FAMILIES.index(family) for _, family in transcribed_specimen_labels])

# a couple of checks that the encoding went as planned
assert padded_label_token_ids.shape == padded_attention_masks.shape
assert (padded_label_token_ids[:, 0] == herbarium_tokenizer.cls_token_id).all()
assert padded_content_masks.shape[0] == family_targets.shape[0]
print("token id batch:", tuple(padded_label_token_ids.shape))


# ---------------------------------------------------------------------------
# Step 4: encoder + masked mean pooling + family head
# ---------------------------------------------------------------------------
class SpecimenFamilyClassifier(nn.Module):
    def __init__(self, encoder_config, number_of_families):
        super().__init__()
        self.label_encoder = BertModel(encoder_config)
        self.family_head = nn.Linear(encoder_config.hidden_size, number_of_families)

    def forward(self, token_ids, attention_masks, content_masks):
        token_states = self.label_encoder(input_ids=token_ids, attention_mask=attention_masks).last_hidden_state
        weighted_states = token_states * content_masks.unsqueeze(-1)
        pooled_label_vectors = weighted_states.sum(dim=1) / content_masks.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.family_head(pooled_label_vectors)


encoder_config = BertConfig(
    vocab_size=herbarium_tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)
assert MAX_LABEL_TOKENS <= encoder_config.max_position_embeddings
family_classifier = SpecimenFamilyClassifier(encoder_config, number_of_families=len(PLANT_FAMILIES))

# ---------------------------------------------------------------------------
# Step 5: train
# ---------------------------------------------------------------------------
optimizer = torch.optim.AdamW(family_classifier.parameters(), lr=1e-3)
loss_function = nn.CrossEntropyLoss()
family_classifier.train()
for epoch_number in range(3):
    optimizer.zero_grad()
    family_logits = family_classifier(padded_label_token_ids, padded_attention_masks, padded_content_masks)
    epoch_loss = loss_function(family_logits, family_targets)
    epoch_loss.backward()
    optimizer.step()
    print(f"epoch {epoch_number}: loss {epoch_loss.item():.4f}")

print("herbarium family classifier trained")
