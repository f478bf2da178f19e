"""Intent detection with transformers.Trainer and a hand-written collate function (left in a utils section)."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
MAX_LEN = 20
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "book", "a", "table", "for", "two", "play", "some", "jazz",
         "what", "is", "the", "weather", "tomorrow", "turn", "off", "lights"]
INTENTS = ["restaurant", "music", "weather", "home"]

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(WORDS) + "\n")
tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
examples = [("book a table for two", 0), ("play some jazz", 1), ("what is the weather tomorrow", 2),
            ("turn off the lights", 3)]
train_set = [{"input_ids": tok(text)["input_ids"], "label": y} for text, y in examples]


# ---- utils
def collate(features):
    longest = max(len(f["input_ids"]) for f in features)
    ids = torch.full((len(features), longest), tok.pad_token_id, dtype=torch.long)
    for i, f in enumerate(features):
        ids[i, : len(f["input_ids"])] = torch.tensor(f["input_ids"])
    mask = torch.zeros((len(features), MAX_LEN), dtype=torch.long)
    for i, f in enumerate(features):
        mask[i, : len(f["input_ids"])] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": torch.tensor([f["label"] for f in features])}


model = BertForSequenceClassification(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=37,
                                                 max_position_embeddings=64, num_labels=len(INTENTS)))
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True, remove_unused_columns=False)
Trainer(model=model, args=args, train_dataset=train_set, data_collator=collate).train()
print("trained")
