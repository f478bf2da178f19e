"""Escalation classifier for customer e-mails: a tiny BERT reads the subject and the body as two segments."""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

EMAILS = [
    ("refund still missing\tI returned the blender three weeks ago and nothing has arrived", 1),
    ("thanks\tthe replacement arrived today and works fine", 0),
    ("wrong size\tcan I swap the jacket for a larger one", 0),
    ("charged twice\tmy card was charged twice for the same order please fix this now", 1),
    ("delivery address\tplease update the address on my next order", 0),
    ("broken on arrival\tthe lamp was shattered and nobody answers the phone", 1),
]


class EmailPairs(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tok = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, escalate = self.rows[idx]
        parts = text.split("\t")
        ids, segments = [self.tok.cls_token_id], [0]
        for seg, part in enumerate(parts):
            piece_ids = self.tok.convert_tokens_to_ids(self.tok.tokenize(part)) + [self.tok.sep_token_id]
            ids += piece_ids
            segments += [seg] * len(piece_ids)
        return torch.tensor(ids), torch.tensor(segments), escalate


def collate(batch):
    ids, segments, labels = zip(*batch)
    ids = pad_sequence(ids, batch_first=True, padding_value=0)
    return ids, pad_sequence(segments, batch_first=True), (ids != 0).long(), torch.tensor(labels)


workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
words = sorted({w.lower() for text, _ in EMAILS for w in text.split()})
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)

config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, num_labels=2)
torch.manual_seed(0)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
loader = DataLoader(EmailPairs(EMAILS, tokenizer), batch_size=3, shuffle=True, collate_fn=collate)

model.train()
for epoch in range(4):
    running = 0.0
    for input_ids, token_type_ids, attention_mask, labels in loader:
        out = model(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask, labels=labels)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        running += out.loss.item()
    print(f"epoch {epoch}: loss {running / len(loader):.4f}")
