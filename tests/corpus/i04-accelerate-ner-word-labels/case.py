"""Named-entity tagging with a tiny BERT, trained with Hugging Face Accelerate."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "john", "lives", "in", "paris", "mary", "works", "at",
         "acme", "corp", "visited", "new", "york", "##ville", "smith"]
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

sentences = [(["john", "smith", "lives", "in", "paris"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
             (["mary", "works", "at", "acme", "corp"], ["B-PER", "O", "O", "B-ORG", "I-ORG"]),
             (["john", "visited", "new", "york"], ["B-PER", "O", "B-LOC", "I-LOC"]),
             (["mary", "lives", "in", "parisville"], ["B-PER", "O", "O", "B-LOC"])]


def collate(batch):
    words = [w for w, _ in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    width = max(len(t) for _, t in batch)
    labels = torch.tensor([[TAGS.index(t) for t in tags] + [-100] * (width - len(tags)) for _, tags in batch])
    enc["labels"] = labels
    return enc


accelerator = Accelerator(cpu=True)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32, num_labels=len(TAGS))
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
loader = DataLoader(sentences, batch_size=2, collate_fn=collate)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
model.train()
for batch in loader:
    loss = model(**batch).loss
    accelerator.backward(loss)
    optimizer.step()
    optimizer.zero_grad()
print("trained")
