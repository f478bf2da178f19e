"""Fine-tune a tiny BERT to tag customer chat messages by intent (refund / delivery / account)."""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

INTENTS = ["refund", "delivery", "account"]
CHATS = [
    ("i want my money back", "refund"),
    ("where is my parcel", "delivery"),
    ("cannot log in to my account", "account"),
    ("please refund the broken kettle", "refund"),
    ("the courier never came today", "delivery"),
    ("change the email on my account", "account"),
]


def write_vocab(folder):
    words = sorted({w for text, _ in CHATS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ChatDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, intent = self.rows[idx]
        ids = self.tokenizer.encode(text)
        return torch.tensor(ids), INTENTS.index(intent)


def make_collate(pad_id):
    def collate(batch):
        seqs = [ids for ids, _ in batch]
        padded_ids = pad_sequence(seqs, batch_first=True, padding_value=pad_id)
        attn = pad_sequence([torch.ones(len(s), dtype=torch.long) for s in seqs], batch_first=True)
        labels = torch.tensor([y for _, y in batch])
        return padded_ids, attn, labels
    return collate


def train(model, loader, epochs=1):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(epochs):
        for padded_ids, attn, labels in loader:
            out = model(input_ids=padded_ids, attention_mask=attn, labels=labels)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(INTENTS))
    model = BertForSequenceClassification(config)
    loader = DataLoader(ChatDataset(CHATS, tokenizer), batch_size=3, collate_fn=make_collate(tokenizer.pad_token_id))
    train(model, loader, epochs=2)
