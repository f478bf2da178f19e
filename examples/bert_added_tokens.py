"""Fine-tune a tiny BERT after adding entity-marker tokens to the tokenizer.

Run it under explainerr:  python -m explainerr examples/bert_added_tokens.py   (needs transformers)
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORDS = "[PAD] [UNK] [CLS] [SEP] [MASK] the film was great bad plot acting".split()


def load_tokenizer():
    # stands in for BertTokenizer.from_pretrained(...): a tiny vocabulary written on the fly
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "vocab.txt")
        with open(path, "w") as f:
            f.write("\n".join(WORDS) + "\n")
        return BertTokenizer(path)


tokenizer = load_tokenizer()
model = BertForSequenceClassification(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32,
                                                 num_hidden_layers=1, num_attention_heads=2,
                                                 intermediate_size=64, max_position_embeddings=32))
tokenizer.add_tokens(["<e1>", "</e1>"])
batch = tokenizer(["<e1> the film </e1> was great", "the plot was bad"], padding=True, return_tensors="pt")
out = model(**batch, labels=torch.tensor([1, 0]))
out.loss.backward()
print("loss", round(out.loss.item(), 4))
