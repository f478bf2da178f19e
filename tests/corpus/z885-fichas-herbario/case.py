# Agrupación de fichas de herbario por familia botánica.
# Cada ficha tiene tres campos (especie, localidad, notas del recolector) y
# queremos que el modelo distinga de qué campo viene cada token.
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

FAMILIAS = ["fagaceae", "lamiaceae", "asteraceae", "pinaceae"]
CAMPOS = ("especie", "localidad", "notas")
longitud_maxima = 40


@dataclass
class Ficha:
    especie: str
    localidad: str
    notas: str
    familia: str


FICHAS = [
    Ficha("quercus ilex", "sierra de gredos ladera sur", "encina adulta con bellotas", "fagaceae"),
    Ficha("quercus suber", "alcornocales de cadiz", "corteza recien descorchada", "fagaceae"),
    Ficha("rosmarinus officinalis", "cabo de gata", "matorral en flor azul", "lamiaceae"),
    Ficha("thymus vulgaris", "paramo de masa", "tomillo aromatico en suelo calizo", "lamiaceae"),
    Ficha("helichrysum stoechas", "dunas de donana", "capitulos amarillos secos", "asteraceae"),
    Ficha("santolina chamaecyparissus", "monegros", "mata grisacea junto al camino", "asteraceae"),
    Ficha("pinus pinaster", "sierra de guadarrama", "pinas maduras resina abundante", "pinaceae"),
    Ficha("abies pinsapo", "sierra de las nieves", "ejemplar aislado en umbria", "pinaceae"),
]


def escribir_vocabulario(carpeta):
    palabras = set()
    for ficha in FICHAS:
        for campo in CAMPOS:
            palabras.update(getattr(ficha, campo).split())
    ruta = os.path.join(carpeta, "vocab.txt")
    with open(ruta, "w", encoding="utf-8") as f:
        for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(palabras):
            f.write(token + "\n")
    return ruta


def codificar_ficha(ficha, tokenizador):
    """[CLS] especie [SEP] localidad [SEP] notas [SEP], con un segmento por campo."""
    ids_tokens = [tokenizador.cls_token_id]
    segmentos = [0]
    for num_campo, campo in enumerate(CAMPOS):
        piezas = tokenizador.encode(getattr(ficha, campo), add_special_tokens=False)
        piezas.append(tokenizador.sep_token_id)
        ids_tokens.extend(piezas)
        segmentos.extend([num_campo] * len(piezas))
    return ids_tokens[:longitud_maxima], segmentos[:longitud_maxima]


def preparar_lote(fichas, tokenizador):
    codificadas = [codificar_ficha(f, tokenizador) for f in fichas]
    largo = max(len(ids) for ids, _ in codificadas)
    ids_tokens = torch.full((len(fichas), largo), tokenizador.pad_token_id)
    tipos_segmento = torch.zeros((len(fichas), largo), dtype=torch.long)
    mascara = torch.zeros((len(fichas), largo), dtype=torch.long)
    for i, (ids, segs) in enumerate(codificadas):
        ids_tokens[i, : len(ids)] = torch.tensor(ids)
        tipos_segmento[i, : len(segs)] = torch.tensor(segs)
        mascara[i, : len(ids)] = 1
    etiquetas = torch.tensor([FAMILIAS.index(f.familia) for f in fichas])
    return ids_tokens, tipos_segmento, mascara, etiquetas


class ClasificadorHerbario(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.codificador = BertModel(config)
        self.cabeza = nn.Linear(config.hidden_size, len(FAMILIAS))

    def forward(self, ids_tokens, tipos_segmento, mascara):
        salida = self.codificador(
            input_ids=ids_tokens,
            token_type_ids=tipos_segmento,
            attention_mask=mascara,
        )
        return self.cabeza(salida.pooler_output)


def main():
    tokenizador = BertTokenizer(escribir_vocabulario(tempfile.mkdtemp()))
    config = BertConfig(
        vocab_size=tokenizador.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    modelo = ClasificadorHerbario(config)
    optimizador = torch.optim.Adam(modelo.parameters(), lr=1e-3)
    criterio = nn.CrossEntropyLoss()

    print(f"Entrenando con {len(FICHAS)} fichas y {len(FAMILIAS)} familias")
    for epoca in range(3):
        for inicio in range(0, len(FICHAS), 4):
            lote = preparar_lote(FICHAS[inicio : inicio + 4], tokenizador)
            *entradas, etiquetas = lote
            logits = modelo(*entradas)
            perdida = criterio(logits, etiquetas)
            optimizador.zero_grad()
            perdida.backward()
            optimizador.step()
        print(f"epoca {epoca}: perdida={perdida.item():.4f}")

    modelo.eval()
    with torch.no_grad():
        ids, segs, masc, _ = preparar_lote(FICHAS[:2], tokenizador)
        print("Predicciones:", [FAMILIAS[i] for i in modelo(ids, segs, masc).argmax(-1).tolist()])


if __name__ == "__main__":
    main()
