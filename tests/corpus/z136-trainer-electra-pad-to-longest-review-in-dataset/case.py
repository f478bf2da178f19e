"""Product-review polarity with a tiny ELECTRA discriminator and the HF Trainer (fixed-width padding)."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import ElectraConfig, ElectraForSequenceClassification, ElectraTokenizerFast, Trainer, TrainingArguments

torch.manual_seed(0)
TMP = tempfile.mkdtemp()

LONG_REVIEW = ("i bought this blender for smoothies and it was fine for the first week but then the motor "
               "started to smell and the lid cracked and support never answered my emails so i had to "
               "return it and the refund took a month and i would not buy from this brand again because "
               "the whole experience was slow and annoying from start to finish")
REVIEWS = [
    ("great blender works well", 1),
    ("motor died after a week", 0),
    (LONG_REVIEW, 0),
    ("quiet and easy to clean", 1),
    ("lid cracked on day two", 0),
    ("smoothies come out perfect every time", 1),
]

encoder_cfg = ElectraConfig(vocab_size=1, embedding_size=16, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=37, max_position_embeddings=64, num_labels=2)


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(TMP, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return ElectraTokenizerFast(path)


def longest_in_tokens(tokenizer, texts):
    return max(len(tokenizer(t)["input_ids"]) for t in texts)


class PaddedReviews(torch.utils.data.Dataset):
    """Every review padded to the same width so nothing has to be padded at batch time."""

    def __init__(self, rows, tokenizer, max_len):
        enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True, max_length=max_len,
                        return_tensors="pt")
        self.input_ids, self.attention_mask = enc["input_ids"], enc["attention_mask"]
        self.polarity = torch.tensor([y for _, y in rows])

    def __len__(self):
        return len(self.polarity)

    def __getitem__(self, i):
        return {"input_ids": self.input_ids[i], "attention_mask": self.attention_mask[i], "labels": self.polarity[i]}


tokenizer = build_tokenizer([t for t, _ in REVIEWS])
encoder_cfg.vocab_size = len(tokenizer)
max_len = longest_in_tokens(tokenizer, [t for t, _ in REVIEWS])  # pad to the longest review: no text is cut
train_data = PaddedReviews(REVIEWS, tokenizer, max_len)
print("padding every review to", max_len, "tokens")

model = ElectraForSequenceClassification(encoder_cfg)
args = TrainingArguments(output_dir=os.path.join(TMP, "electra-reviews"), max_steps=2, per_device_train_batch_size=3,
                         learning_rate=2e-4, report_to="none", save_strategy="no", use_cpu=True, disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=train_data)
trainer.train()
