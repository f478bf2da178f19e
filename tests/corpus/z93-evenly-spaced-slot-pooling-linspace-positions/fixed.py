"""Document-type classifier for scanned letters.  Instead of [CLS] pooling, each letter is represented by the
encoder states at N_SLOTS evenly spaced positions of its own text (beginning, middle, end, ...), concatenated.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

DOC_TYPES = ["invoice", "reminder", "complaint"]
N_SLOTS = 4
LETTERS = [
    ("please find attached the invoice for march total due in thirty days", "invoice"),
    ("this is a friendly reminder that your payment is overdue", "reminder"),
    ("i am writing to complain about the damaged delivery", "complaint"),
    ("invoice number twelve for consulting services", "invoice"),
    ("second reminder your balance is still open please pay now", "reminder"),
    ("the product broke after two days and support never answered my complaint", "complaint"),
]


class SlotClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden=32):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
        self.head = nn.Linear(N_SLOTS * hidden, n_classes)

    def slot_states(self, states, lengths):
        picked = [states[row, torch.linspace(0, n - 1, N_SLOTS).round().long()]
                  for row, n in enumerate(lengths.tolist())]
        return torch.stack(picked).flatten(1)

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.slot_states(states, attention_mask.sum(dim=1)))


def main():
    torch.manual_seed(0)
    folder = tempfile.mkdtemp(prefix="letters-")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for t, _ in LETTERS for w in t.split()})) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    model = SlotClassifier(len(tokenizer), len(DOC_TYPES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    texts = [t for t, _ in LETTERS]
    labels = torch.tensor([DOC_TYPES.index(d) for _, d in LETTERS])
    for epoch in range(5):
        for start in range(0, len(texts), 3):
            enc = tokenizer(texts[start:start + 3], padding=True, truncation=True, max_length=64, return_tensors="pt")
            loss = F.cross_entropy(model(enc["input_ids"], enc["attention_mask"]), labels[start:start + 3])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    print(f"loss after {epoch + 1} epochs: {loss.item():.3f}")


if __name__ == "__main__":
    main()
