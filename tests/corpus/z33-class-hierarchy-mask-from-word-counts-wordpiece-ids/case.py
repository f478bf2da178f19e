"""Intent classification with a small dataset class hierarchy: a base class owns batching and the attention
mask, subclasses own how text becomes ids (a whitespace baseline and a WordPiece one for BERT)."""
import os
import tempfile
from abc import ABC, abstractmethod

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
INTENTS = ["play_music", "set_alarm", "weather"]
utterances = [("play some jazz", 0), ("wake me at seven", 1), ("is it raining tomorrow", 2),
              ("put on unplugged rock", 0), ("set an alarm for six", 1), ("how windy is it", 2)]

WORDS = ["play", "some", "jazz", "wake", "me", "at", "seven", "is", "it", "rain", "##ing", "tomorrow", "put", "on",
         "un", "##plug", "##ged", "rock", "set", "an", "alarm", "for", "six", "how", "wind", "##y"]
folder = tempfile.mkdtemp()
with open(os.path.join(folder, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")


class IntentBatches(ABC):
    """Batching shared by every encoder: ids from the subclass, mask and labels from here."""

    def __init__(self, examples, batch_size):
        self.examples, self.batch_size = examples, batch_size

    @abstractmethod
    def encode(self, texts):
        """A (batch, length) LongTensor of ids, [CLS]/[SEP] included."""

    def attention_mask(self, texts):
        lengths = [len(text.split()) + 2 for text in texts]
        width = max(lengths)
        return torch.tensor([[1] * n + [0] * (width - n) for n in lengths])

    def __iter__(self):
        for start in range(0, len(self.examples), self.batch_size):
            texts, labels = zip(*self.examples[start:start + self.batch_size])
            yield {"input_ids": self.encode(texts), "attention_mask": self.attention_mask(texts),
                   "labels": torch.tensor(labels)}


class WhitespaceBatches(IntentBatches):
    def __init__(self, examples, batch_size, vocab):
        super().__init__(examples, batch_size)
        self.vocab = vocab

    def encode(self, texts):
        rows = [[2] + [self.vocab.get(w, 1) for w in t.split()] + [3] for t in texts]
        width = max(map(len, rows))
        return torch.tensor([r + [0] * (width - len(r)) for r in rows])


class WordPieceBatches(IntentBatches):
    def __init__(self, examples, batch_size, tokenizer):
        super().__init__(examples, batch_size)
        self.tokenizer = tokenizer

    def encode(self, texts):
        return self.tokenizer(list(texts), padding=True, return_tensors="pt")["input_ids"]


tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=32, num_labels=len(INTENTS)))
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
for epoch in range(2):
    for batch in WordPieceBatches(utterances, batch_size=3, tokenizer=tokenizer):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: {loss.item():.4f}")
