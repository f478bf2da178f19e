"""NER fine-tuning step with a tiny BertForTokenClassification.

Tags are given per word (CoNLL style); the tokenizer splits words into word pieces.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)
TAGS = ["O", "B-PER", "I-PER", "B-LOC"]
PIECES = ["john", "##son", "mc", "##kay", "lives", "in", "york", "##shire", "visited", "leeds", "last", "week"]

vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES))
tokenizer = BertTokenizer(vocab_path)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

sentences = [["johnson", "mckay", "lives", "in", "yorkshire"], ["johnson", "visited", "leeds", "last", "week"]]
word_tags = [[1, 2, 0, 0, 3], [1, 0, 3, 0, 0]]

enc = tokenizer(sentences, is_split_into_words=True, padding=True, return_tensors="pt")
labels = torch.tensor([[-100 if w is None else word_tags[i][w] for w in enc.word_ids(i)] for i in range(len(word_tags))])

model.train()
out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels)
out.loss.backward()
optimizer.step()
print(f"ner loss: {out.loss.item():.4f}")
