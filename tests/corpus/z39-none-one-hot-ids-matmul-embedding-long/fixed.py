"""Gradient x input token saliency for a BERT sentiment classifier: the ids are turned into one-hot rows and
multiplied by the word-embedding matrix (HotFlip style), so the embeddings are an ordinary tensor whose
gradient can be kept."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
reviews = ["the plot was thin but the acting was superb", "a waste of two hours"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for r in reviews for w in r.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=32, num_labels=2)).eval()


def token_saliency(model, enc):
    embedding_matrix = model.get_input_embeddings().weight
    one_hot = F.one_hot(enc["input_ids"], num_classes=embedding_matrix.size(0)).to(embedding_matrix.dtype)
    inputs_embeds = one_hot @ embedding_matrix
    inputs_embeds.retain_grad()
    logits = model(inputs_embeds=inputs_embeds, attention_mask=enc["attention_mask"]).logits
    predicted = logits.argmax(-1)
    logits.gather(1, predicted[:, None]).sum().backward()
    return (inputs_embeds.grad * inputs_embeds).sum(-1).detach()


enc = tokenizer(reviews, padding=True, return_tensors="pt")
scores = token_saliency(model, enc)
for row, ids in zip(scores, enc["input_ids"]):
    print([(tok, round(s, 3)) for tok, s in zip(tokenizer.convert_ids_to_tokens(ids), row.tolist())])
