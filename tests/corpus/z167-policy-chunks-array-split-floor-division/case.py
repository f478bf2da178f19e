"""Embed long HR policy documents chunk by chunk with a small BERT and answer a query by cosine similarity."""
import os
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
MAX_POSITIONS = 32
CHUNK_TOKENS = MAX_POSITIONS - 2
POLICIES = {
    "leave": ("employees receive twenty five days of paid leave per year requests must be approved by the line "
              "manager at least two weeks in advance unused days can be carried over until the end of march "
              "after which they expire sick leave is separate and requires a doctor note after three days "
              "parental leave follows the statutory rules and may be extended by agreement with hr"),
    "travel": ("business travel must be booked through the travel portal economy class is the default for "
               "flights under six hours hotel costs are reimbursed up to the city limit"),
    "equipment": "laptops are replaced every three years report lost equipment to it within one day",
}


def make_tokenizer():
    words = sorted({w for text in POLICIES.values() for w in text.split()} | {"how", "many", "days"})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(path)


def chunk_ids(tokenizer, text):
    body = tokenizer.encode(text, add_special_tokens=False)
    n_chunks = max(1, len(body) // CHUNK_TOKENS)
    return [torch.tensor([tokenizer.cls_token_id, *part.tolist(), tokenizer.sep_token_id])
            for part in np.array_split(np.array(body), n_chunks)]


@torch.no_grad()
def embed(model, tokenizer, text):
    chunks = chunk_ids(tokenizer, text)
    ids = pad_sequence(chunks, batch_first=True, padding_value=tokenizer.pad_token_id)
    mask = (ids != tokenizer.pad_token_id).long()
    states = model(input_ids=ids, attention_mask=mask).last_hidden_state
    chunk_vecs = (states * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
    return F.normalize(chunk_vecs.mean(0), dim=0)


tokenizer = make_tokenizer()
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                               num_attention_heads=2, intermediate_size=64,
                               max_position_embeddings=MAX_POSITIONS)).eval()
index = {name: embed(encoder, tokenizer, text) for name, text in POLICIES.items()}
query = embed(encoder, tokenizer, "how many days of paid leave")
ranking = sorted(index, key=lambda name: -float(query @ index[name]))
print("best match:", ranking[0], ranking)
