# Walkthrough: classifying beehive inspection notes with a tiny BERT
#
# Each inspection record has three parts written by the beekeeper: what the
# colony looked like, the varroa mite count remark, and the weather. We feed all
# three into a BERT encoder as separate segments and predict whether the hive
# needs a mite treatment.
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

# ---------------------------------------------------------------------------
# Step 1: the raw inspection records
# ---------------------------------------------------------------------------
INSPECTION_SEGMENTS = ["colony", "mites", "weather"]

inspection_records = [
    {"colony": "queen seen brood pattern solid", "mites": "two mites per hundred bees", "weather": "sunny calm", "needs_treatment": 0},
    {"colony": "no queen seen spotty brood", "mites": "eight mites per hundred bees", "weather": "cool windy", "needs_treatment": 1},
    {"colony": "strong colony capped honey", "mites": "one mite per hundred bees", "weather": "warm sunny", "needs_treatment": 0},
    {"colony": "weak colony deformed wings", "mites": "six mites per hundred bees", "weather": "rain", "needs_treatment": 1},
]

# ---------------------------------------------------------------------------
# Step 2: build a small vocabulary and a tokenizer from it
# ---------------------------------------------------------------------------
special_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
every_word_in_records = sorted({
    word for record in inspection_records for segment in INSPECTION_SEGMENTS for word in record[segment].split()
})
vocabulary_directory = tempfile.mkdtemp()
vocabulary_path = os.path.join(vocabulary_directory, "vocab.txt")
with open(vocabulary_path, "w") as vocabulary_file:
    vocabulary_file.write("\n".join(special_tokens + every_word_in_records) + "\n")

apiary_tokenizer = BertTokenizer(vocabulary_path)
print(f"vocabulary size: {apiary_tokenizer.vocab_size}")
assert apiary_tokenizer.convert_tokens_to_ids("[PAD]") == 0  # padding id should be zero


# ---------------------------------------------------------------------------
# Step 3: encode one record as [CLS] colony [SEP] mites [SEP] weather [SEP]
# ---------------------------------------------------------------------------
def encode_inspection(record):
    record_token_ids = [apiary_tokenizer.cls_token_id]
    record_segment_ids = [0]
    for segment_position, segment_name in enumerate(INSPECTION_SEGMENTS):
        segment_pieces = apiary_tokenizer.tokenize(record[segment_name])
        segment_piece_ids = apiary_tokenizer.convert_tokens_to_ids(segment_pieces) + [apiary_tokenizer.sep_token_id]
        record_token_ids.extend(segment_piece_ids)
        # every token of a segment gets that segment's position as its type id
        record_segment_ids.extend([segment_position] * len(segment_piece_ids))
    return record_token_ids, record_segment_ids


def build_padded_batch(records):
    encoded_records = [encode_inspection(record) for record in records]
    longest_record_length = max(len(token_ids) for token_ids, _ in encoded_records)
    padded_token_ids, padded_segment_type_ids, padded_attention_masks = [], [], []
    for token_ids, segment_ids in encoded_records:
        padding_amount = longest_record_length - len(token_ids)
        padded_token_ids.append(token_ids + [apiary_tokenizer.pad_token_id] * padding_amount)
        padded_segment_type_ids.append(segment_ids + [0] * padding_amount)
        padded_attention_masks.append([1] * len(token_ids) + [0] * padding_amount)
    return {
        "input_ids": torch.tensor(padded_token_ids),
        "token_type_ids": torch.tensor(padded_segment_type_ids),
        "attention_mask": torch.tensor(padded_attention_masks),
        "labels": torch.tensor([record["needs_treatment"] for record in records]),
    }


inspection_batch = build_padded_batch(inspection_records)
# quick sanity checks on shapes before going further
assert inspection_batch["input_ids"].shape == inspection_batch["token_type_ids"].shape
assert inspection_batch["input_ids"].shape == inspection_batch["attention_mask"].shape
assert int(inspection_batch["input_ids"].max()) < apiary_tokenizer.vocab_size
print("batch shape:", tuple(inspection_batch["input_ids"].shape))

# ---------------------------------------------------------------------------
# Step 4: a tiny BERT classifier with random weights
# ---------------------------------------------------------------------------
tiny_bert_config = BertConfig(
    vocab_size=apiary_tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=2,
)
hive_classifier = BertForSequenceClassification(tiny_bert_config)
assert inspection_batch["input_ids"].shape[1] <= tiny_bert_config.max_position_embeddings

# ---------------------------------------------------------------------------
# Step 5: train
# ---------------------------------------------------------------------------
optimizer = torch.optim.AdamW(hive_classifier.parameters(), lr=5e-4)
hive_classifier.train()
for epoch_number in range(3):
    optimizer.zero_grad()
    classifier_output = hive_classifier(**inspection_batch)
    classifier_output.loss.backward()
    optimizer.step()
    print(f"epoch {epoch_number}: loss {classifier_output.loss.item():.4f}")

print("training finished")
