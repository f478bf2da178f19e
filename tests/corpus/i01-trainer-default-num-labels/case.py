"""Topic classifier fine-tuned with transformers.Trainer on a tiny BERT.

The news items have four topics; the model config is built by hand for a quick local run.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "game", "was", "great", "match", "stock", "price",
         "fell", "vote", "law", "new", "phone", "team", "won", "shares", "rose", "bill", "passed", "app"]
TOPICS = ["sports", "business", "politics", "tech"]

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

news = [("the team won the match", "sports"), ("stock price fell", "business"), ("the bill passed", "politics"),
        ("new phone app", "tech"), ("the game was great", "sports"), ("shares rose", "business")]


class NewsDataset(Dataset):
    def __init__(self, rows):
        self.encodings = tokenizer([text for text, _ in rows], padding=True, truncation=True, max_length=16)
        self.targets = [TOPICS.index(topic) for _, topic in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        item = {key: torch.tensor(values[idx]) for key, values in self.encodings.items()}
        item["labels"] = torch.tensor(self.targets[idx])
        return item


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32)
model = BertForSequenceClassification(config)
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=3, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=NewsDataset(news))
trainer.train()
print("trained")
